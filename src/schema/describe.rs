//! Reading a schema back into plain words: what a place expects, and what a missing field
//! is for. Used to turn validator errors into messages a person can act on.

use serde_json::Value;

/// Follows an evaluation path (which records `$ref` hops) from the root of a bundled schema.
pub fn subschema<'s>(root: &'s Value, path: &str) -> Option<&'s Value> {
    let mut cur = root;
    for seg in path.split('/').skip(1) {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        cur = if seg == "$ref" || seg == "$dynamicRef" {
            resolve_ref(root, cur.get(&seg)?.as_str()?)?
        } else {
            match cur {
                Value::Object(m) => m.get(&seg)?,
                Value::Array(a) => a.get(seg.parse::<usize>().ok()?)?,
                _ => return None,
            }
        };
    }
    Some(cur)
}

/// Resolves a local reference (`#/$defs/x`).
pub fn resolve_ref<'s>(root: &'s Value, r: &str) -> Option<&'s Value> {
    root.pointer(r.strip_prefix('#')?)
}

/// Follows `$ref`s until a schema with its own content is reached.
fn deref<'s>(root: &'s Value, mut s: &'s Value) -> &'s Value {
    for _ in 0..16 {
        match s.get("$ref").and_then(Value::as_str) {
            Some(r) => match resolve_ref(root, r) {
                Some(t) => s = t,
                None => break,
            },
            None => break,
        }
    }
    s
}

/// What a schema expects, in words: "an integer from 1 to 4", "one of `live`, `retired`".
pub fn expectation(root: &Value, s: &Value) -> String {
    if let Some(r) = s.get("$ref").and_then(Value::as_str)
        && let Some(t) = resolve_ref(root, r)
    {
        return expectation(root, t);
    }
    if let Some(Value::Array(options)) = s.get("enum") {
        return one_of(options);
    }
    if let Some(c) = s.get("const") {
        return format!("`{}`", plain(c));
    }
    if let Some(Value::Array(branches)) = s.get("oneOf").or_else(|| s.get("anyOf")) {
        if let Some(d) = s.get("description").and_then(Value::as_str) {
            return d.to_owned();
        }
        let parts: Vec<String> = branches.iter().map(|b| expectation(root, b)).collect();
        return parts.join(" or ");
    }
    let ty = s.get("type").and_then(Value::as_str).unwrap_or("");
    match ty {
        "integer" | "number" => {
            let noun = if ty == "integer" {
                "an integer"
            } else {
                "a number"
            };
            let min = s.get("minimum").map(plain);
            let max = s.get("maximum").map(plain);
            let xmin = s.get("exclusiveMinimum").map(plain);
            let xmax = s.get("exclusiveMaximum").map(plain);
            if let Some(d) = s.get("description").and_then(Value::as_str)
                && (xmin.is_some() || xmax.is_some())
            {
                return d.to_owned();
            }
            match (min, max) {
                (Some(a), Some(b)) => format!("{noun} from {a} to {b}"),
                (Some(a), None) => format!("{noun} of at least {a}"),
                (None, Some(b)) => format!("{noun} of at most {b}"),
                (None, None) => noun.to_owned(),
            }
        }
        "string" => {
            if s.get("pattern").is_some()
                && let Some(d) = s.get("description").and_then(Value::as_str)
            {
                d.to_owned()
            } else if s.get("minLength").and_then(Value::as_u64) == Some(1) {
                "a non-empty string".to_owned()
            } else {
                "a string".to_owned()
            }
        }
        "boolean" => "`true` or `false`".to_owned(),
        "array" => match s.get("items") {
            Some(items) => format!("a list of {}", plural(root, items)),
            None => "a list".to_owned(),
        },
        "object" => "a mapping".to_owned(),
        "null" => "empty".to_owned(),
        _ => s
            .get("description")
            .and_then(Value::as_str)
            .map_or_else(|| "a valid value".to_owned(), str::to_owned),
    }
}

/// The element type of a list, for "a list of ...".
fn plural(root: &Value, items: &Value) -> String {
    let items = deref(root, items);
    if let Some(Value::Array(options)) = items.get("enum") {
        return format!("values from {}", join_code(options));
    }
    match items.get("type").and_then(Value::as_str) {
        Some("object") => "mappings".into(),
        Some("string") => match items.get("description").and_then(Value::as_str) {
            Some(d) if items.get("pattern").is_some() => format!("strings, each {d}"),
            _ => "strings".into(),
        },
        Some("integer") => "integers".into(),
        Some("number") => "numbers".into(),
        _ => "values".into(),
    }
}

/// What a property is for, from its `description`: the help for a missing field.
pub fn property_hint(root: &Value, parent: &Value, property: &str) -> Option<String> {
    let parent = deref(root, parent);
    let prop = parent.get("properties")?.get(property)?;
    prop.get("description")
        .and_then(Value::as_str)
        .or_else(|| deref(root, prop).get("description").and_then(Value::as_str))
        .map(str::to_owned)
}

/// The property names a mapping allows, for "did you mean" and "allowed here".
pub fn property_names<'s>(root: &'s Value, s: &'s Value) -> Vec<&'s str> {
    let s = deref(root, s);
    s.get("properties")
        .and_then(Value::as_object)
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

pub fn one_of(options: &[Value]) -> String {
    if options.len() == 1 {
        return format!("`{}`", plain(&options[0]));
    }
    format!("one of {}", join_code(options))
}

fn join_code(options: &[Value]) -> String {
    options
        .iter()
        .map(|o| format!("`{}`", plain(o)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A JSON value as a person would type it in YAML: strings without quotes.
pub fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
