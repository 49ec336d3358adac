//! A readable reference of a settings file (`catalint.yaml`, a policy) rendered from its JSON
//! Schema: one table row per key with its type, constraints and the schema's description, the
//! shared definitions it names, and the schema itself. Only what the schema says is shown, so
//! the page cannot say more than catalint checks.

use std::fmt::Write as _;

use serde_json::{Map, Value};

pub struct Page<'a> {
    pub title: &'a str,
    /// The command whose output the page is made from, e.g. `catalint schema Config`.
    pub command: &'a str,
    /// The paragraph under the title (Markdown).
    pub intro: &'a str,
    /// What `command` printed.
    pub schema_text: &'a str,
}

pub fn render(page: &Page<'_>, regenerate: &str) -> String {
    let schema: Value = serde_json::from_str(page.schema_text)
        .unwrap_or_else(|e| panic!("`{}` printed no JSON: {e}", page.command));
    let empty = Map::new();
    let defs = schema
        .get("$defs")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut r = Renderer {
        defs,
        wanted: Vec::new(),
    };
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", page.title);
    let _ = writeln!(
        out,
        "<!-- generated from `{}` by `{regenerate}`: edit the schema, not this page -->\n",
        page.command
    );
    let _ = writeln!(out, "{}\n", page.intro);
    if let Some(d) = description(&schema) {
        let _ = writeln!(out, "The schema's description: {d}\n");
    }
    let mut rows = Vec::new();
    r.children(&schema, "", &mut rows);
    let mut ids = Vec::new();
    out.push_str("## Keys\n");
    out.push_str(&sections(&rows, "###", "", &mut ids));

    // The shared definitions the keys name, each once, in the order they are first named.
    let mut done = 0;
    if !r.wanted.is_empty() {
        out.push_str("\n## Definitions\n\nShared definitions that the keys above name.\n");
    }
    while done < r.wanted.len() {
        let name = r.wanted[done].clone();
        done += 1;
        let Some(def) = defs.get(&name) else {
            panic!(
                "`{}`: `$ref` to `{name}`, which is not in `$defs`",
                page.command
            );
        };
        assert!(
            !ids.contains(&format!("def-{name}")),
            "two anchors #def-{name}"
        );
        ids.push(format!("def-{name}"));
        let _ = write!(
            out,
            "\n### `{name}` {{#def-{name}}}\n\nType: {}.\n",
            r.ty(def)
        );
        if let Some(d) = description(def) {
            let _ = writeln!(out, "\n{d}");
        }
        let mut rows = Vec::new();
        r.children(def, &name, &mut rows);
        out.push_str(&sections(&rows, "####", "def-", &mut ids));
    }
    let _ = write!(
        out,
        "\n## The schema\n\nWhat `{}` prints (JSON Schema, draft 2020-12):\n\n```json\n{}",
        page.command, page.schema_text
    );
    if !page.schema_text.ends_with('\n') {
        out.push('\n');
    }
    out.push_str("```\n");
    out
}

struct Row {
    key: String,
    required: bool,
    ty: String,
    description: String,
}

/// One heading per key (its own anchor, for links such as `reference/config.md#failOn`), its
/// type and whether it is required, then the schema's description.
fn sections(rows: &[Row], level: &str, prefix: &str, ids: &mut Vec<String>) -> String {
    let mut out = String::new();
    for r in rows {
        let id = format!("{prefix}{}", anchor(&r.key));
        assert!(!ids.contains(&id), "two keys with the anchor #{id}");
        ids.push(id.clone());
        let required = if r.required { " Required." } else { "" };
        let _ = write!(
            out,
            "\n{level} `{}` {{#{id}}}\n\nType: {}.{required}\n",
            r.key, r.ty
        );
        if !r.description.is_empty() {
            let _ = writeln!(out, "\n{}", r.description);
        }
    }
    out
}

/// `spec.kinds.<name>.spec` -> `spec-kinds-name-spec`: letters and digits, runs of anything
/// else as one `-`.
fn anchor(key: &str) -> String {
    let mut out = String::new();
    for c in key.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

fn description(s: &Value) -> Option<String> {
    s.get("description")
        .and_then(Value::as_str)
        .map(|d| d.trim().replace('\n', " "))
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// `a`, `a or b`, `a, b or c`.
fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}

fn alternatives(s: &Value) -> Option<&Vec<Value>> {
    s.get("oneOf")
        .or_else(|| s.get("anyOf"))
        .and_then(Value::as_array)
}

/// A keyword-free object schema (`{type: object}`, `additionalProperties` of a map) has keys
/// of its own worth a row only when it lists properties somewhere below.
fn has_children(s: &Value) -> bool {
    s.get("properties").is_some_and(Value::is_object)
        || s.get("items").is_some_and(has_children)
        || s.get("additionalProperties")
            .is_some_and(|a| a.is_object() && has_children(a))
        || alternatives(s).is_some_and(|alts| alts.iter().any(has_children))
}

struct Renderer<'a> {
    defs: &'a Map<String, Value>,
    /// `$defs` entries named so far, in order.
    wanted: Vec<String>,
}

impl Renderer<'_> {
    fn children(&mut self, s: &Value, path: &str, out: &mut Vec<Row>) {
        if let Some(props) = s.get("properties").and_then(Value::as_object) {
            let required: Vec<&str> = s
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for (key, child) in props {
                let key_path = join(path, key);
                let mut desc = description(child).unwrap_or_default();
                // A list's items may describe themselves; their type is in the list's.
                if let Some(item_desc) = child.get("items").and_then(description) {
                    desc = if desc.is_empty() {
                        format!("each item: {item_desc}")
                    } else {
                        format!("{desc}; each item: {item_desc}")
                    };
                }
                out.push(Row {
                    ty: self.ty(child),
                    key: key_path.clone(),
                    required: required.contains(&key.as_str()),
                    description: desc,
                });
                self.children(child, &key_path, out);
            }
        }
        if let Some(items) = s.get("items").filter(|i| has_children(i)) {
            self.children(items, &format!("{path}[]"), out);
        }
        if let Some(each) = s
            .get("additionalProperties")
            .filter(|a| a.is_object() && has_children(a))
        {
            self.children(each, &join(path, "<name>"), out);
        }
        if let Some(alts) = alternatives(s) {
            for alt in alts.iter().filter(|a| has_children(a)) {
                self.children(alt, path, out);
            }
        }
    }

    /// The type of a value in words: `list (at least one item) of string (not empty)`.
    fn ty(&mut self, s: &Value) -> String {
        if let Some(r) = s.get("$ref").and_then(Value::as_str) {
            let name = r.strip_prefix("#/$defs/").unwrap_or(r).to_owned();
            if self.defs.contains_key(&name) && !self.wanted.contains(&name) {
                self.wanted.push(name.clone());
            }
            return format!("[`{name}`](#def-{name})");
        }
        if let Some(c) = s.get("const") {
            return scalar(c);
        }
        if let Some(values) = s.get("enum").and_then(Value::as_array) {
            return or_list(&values.iter().map(scalar).collect::<Vec<_>>());
        }
        if let Some(alts) = alternatives(s) {
            let words: Vec<String> = alts.iter().map(|a| self.ty(a)).collect();
            return or_list(&words);
        }
        let types: Vec<&str> = match s.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ if s.get("properties").is_some() => vec!["object"],
            _ => vec![],
        };
        if types.is_empty() {
            return "any value".to_owned();
        }
        let words: Vec<String> = types.iter().map(|t| self.one_type(t, s)).collect();
        or_list(&words)
    }

    fn one_type(&mut self, t: &str, s: &Value) -> String {
        let mut limits = Vec::new();
        let num = |k: &str| s.get(k).and_then(Value::as_u64);
        let text = |k: &str| s.get(k).and_then(Value::as_str);
        let base = match t {
            "array" => {
                match (num("minItems"), num("maxItems")) {
                    (Some(1), None) => limits.push("at least one item".to_owned()),
                    (Some(n), None) => limits.push(format!("at least {n} items")),
                    (min, Some(max)) => {
                        limits.push(format!("{} to {max} items", min.unwrap_or(0)));
                    }
                    (None, None) => {}
                }
                if s.get("uniqueItems") == Some(&Value::Bool(true)) {
                    limits.push("no repeats".to_owned());
                }
                let of = s.get("items").map(|i| format!(" of {}", self.ty(i)));
                return with_limits("list", &limits) + &of.unwrap_or_default();
            }
            "object" => {
                if let Some(p) = s.get("propertyNames").and_then(|p| p.get("pattern")) {
                    limits.push(format!(
                        "keys matching `{}`",
                        p.as_str().unwrap_or_default()
                    ));
                }
                match s.get("additionalProperties") {
                    Some(each) if each.is_object() && s.get("properties").is_none() => {
                        let of = self.ty(each);
                        return with_limits("map", &limits) + &format!(" of {of}");
                    }
                    _ => "mapping",
                }
            }
            "string" => {
                match (num("minLength"), num("maxLength")) {
                    (Some(1), None) => limits.push("not empty".to_owned()),
                    (Some(n), None) => limits.push(format!("at least {n} characters")),
                    (min, Some(max)) => {
                        limits.push(format!("{} to {max} characters", min.unwrap_or(0)));
                    }
                    (None, None) => {}
                }
                if let Some(p) = text("pattern") {
                    limits.push(format!("matching `{p}`"));
                }
                if let Some(f) = text("format") {
                    limits.push(format!("format `{f}`"));
                }
                "string"
            }
            "integer" | "number" => {
                for (k, word) in [
                    ("minimum", "at least"),
                    ("exclusiveMinimum", "more than"),
                    ("maximum", "at most"),
                    ("exclusiveMaximum", "less than"),
                ] {
                    if let Some(v) = s.get(k) {
                        limits.push(format!("{word} {v}"));
                    }
                }
                t
            }
            other => other,
        };
        if let Some(d) = s.get("default") {
            limits.push(format!("default {}", scalar(d)));
        }
        with_limits(base, &limits)
    }
}

fn with_limits(base: &str, limits: &[String]) -> String {
    if limits.is_empty() {
        base.to_owned()
    } else {
        format!("{base} ({})", limits.join(", "))
    }
}
