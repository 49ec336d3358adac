//! What the schemas say about a field: its description, its allowed values, and the fields
//! a mapping may hold. Read from the policy's schemas (organisation fields and kinds
//! included), the ones `catalint schema --policy` prints, walked by the keys of a path (list
//! items by any index).

use serde_json::Value;

use crate::catalogue::Kind;
use crate::schema::Schemas;

fn schema(schemas: &Schemas, kind: Kind) -> Option<&Value> {
    schemas.get(kind).map(|c| &c.schema)
}

/// A local reference (`#/$defs/x`) of a bundled schema.
fn resolve_ref<'s>(root: &'s Value, r: &str) -> Option<&'s Value> {
    root.pointer(r.strip_prefix('#')?)
}

/// The description written on `s` itself, or on what it refers to.
fn description_of(root: &Value, s: &Value) -> Option<String> {
    if let Some(d) = s.get("description").and_then(Value::as_str) {
        return Some(d.to_owned());
    }
    let r = s.get("$ref").and_then(Value::as_str)?;
    description_of(root, resolve_ref(root, r)?)
}

/// The schemas that a place may follow: `s`, the target of its `$ref`, and its branches.
fn alternatives<'s>(root: &'s Value, s: &'s Value, out: &mut Vec<&'s Value>, depth: usize) {
    if depth > 16 {
        return;
    }
    out.push(s);
    if let Some(t) = s
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| resolve_ref(root, r))
    {
        alternatives(root, t, out, depth + 1);
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        for b in s.get(key).and_then(Value::as_array).into_iter().flatten() {
            alternatives(root, b, out, depth + 1);
        }
    }
}

/// The schema of the value at `path` (keys, with list items as any segment of digits).
fn at<'s>(root: &'s Value, path: &[&str]) -> Option<&'s Value> {
    let mut cur = root;
    for seg in path {
        let mut options = Vec::new();
        alternatives(root, cur, &mut options, 0);
        let index = !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit());
        cur = options.into_iter().find_map(|o| {
            if index {
                o.get("items")
            } else {
                o.get("properties")
                    .and_then(|p| p.get(*seg))
                    .or_else(|| o.get("additionalProperties").filter(|a| a.is_object()))
            }
        })?;
    }
    Some(cur)
}

/// A JSON pointer's segments.
pub fn segments(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// The schema's description of the field at `path`.
pub fn description(schemas: &Schemas, kind: Kind, path: &[&str]) -> Option<String> {
    let root = schema(schemas, kind)?;
    description_of(root, at(root, path)?)
}

/// The values the schema allows at `path`, when it lists them.
pub fn values(schemas: &Schemas, kind: Kind, path: &[&str]) -> Vec<String> {
    let Some(root) = schema(schemas, kind) else {
        return Vec::new();
    };
    let Some(s) = at(root, path) else {
        return Vec::new();
    };
    let mut options = Vec::new();
    alternatives(root, s, &mut options, 0);
    let mut out: Vec<String> = Vec::new();
    for o in options {
        let listed = o.get("enum").and_then(Value::as_array).cloned();
        let one = o.get("const").cloned().map(|c| vec![c]);
        for v in listed.or(one).into_iter().flatten() {
            let text = match v {
                Value::String(s) => s,
                other => other.to_string(),
            };
            if !out.contains(&text) {
                out.push(text);
            }
        }
    }
    out
}

/// The fields the mapping at `path` may hold, with their descriptions.
pub fn properties(schemas: &Schemas, kind: Kind, path: &[&str]) -> Vec<(String, Option<String>)> {
    let Some(root) = schema(schemas, kind) else {
        return Vec::new();
    };
    let Some(s) = at(root, path) else {
        return Vec::new();
    };
    let mut options = Vec::new();
    alternatives(root, s, &mut options, 0);
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    for o in options {
        let Some(props) = o.get("properties").and_then(Value::as_object) else {
            continue;
        };
        for (name, p) in props {
            if !out.iter().any(|(n, _)| n == name) {
                out.push((name.clone(), description_of(root, p)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_answers_by_path() {
        let policy = crate::policy::Policy::builtin().unwrap();
        let s = &policy.schemas;
        let d = description(s, Kind::Service, &["spec", "owner", "team"]).unwrap();
        assert!(d.contains("owning team"), "{d}");
        assert_eq!(
            values(s, Kind::Service, &["spec", "lifecycle"]),
            ["pipeline", "live", "deprecated", "retired"]
        );
        assert_eq!(values(s, Kind::Service, &["kind"]), ["Service"]);
        let props = properties(s, Kind::Service, &["metadata"]);
        assert!(props.iter().any(|(n, d)| n == "id" && d.is_some()));
        let dep = properties(s, Kind::Service, &["spec", "dependencies", "0"]);
        assert!(dep.iter().any(|(n, _)| n == "service"), "{dep:?}");
        assert!(description(s, Kind::Team, &["spec", "nothing"]).is_none());
    }
}
