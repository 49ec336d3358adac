//! Organisation fields: a policy's JSON Schema additions to a kind, merged into the kind's
//! schema (the documented merge, see docs/src/policy.md, "Your own fields and kinds").
//!
//! Why a merge rather than `allOf` with `unevaluatedProperties`: the built-in schemas close
//! every mapping with `additionalProperties: false`, and "did you mean" reads the fields a
//! mapping allows from its `properties`. Merging the additions into those `properties`
//! keeps both (a typo of an organisation field is an unknown field with "did you mean" the
//! organisation's name), and the composed schema an editor gets is one plain schema.
//!
//! The merge only adds: a new property, or `required` names. An addition may descend into
//! a built-in mapping (`spec`, `metadata`, `owner`) with `properties` and `required`; any
//! other keyword on a built-in field would change catalint's own definition, and is a
//! policy error at that key.

use serde_json::{Map, Value};

/// A problem with an addition: where it is (a JSON pointer into the policy file) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub pointer: String,
    pub message: String,
    pub label: &'static str,
    pub help: String,
}

/// The keywords with which an addition descends into an existing mapping.
const DESCEND: [&str; 3] = ["properties", "required", "description"];

/// Merges `add` (the policy's `fields.<Kind>` at `at`) into the mapping schema `base` of
/// the kind's schema `root` (whose `$defs` the built-in `$ref`s point into).
pub fn merge(root: &Value, base: &mut Value, add: &Value, at: &str, path: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    merge_into(root, base, add, at, path, &mut errors);
    errors
}

fn merge_into(
    root: &Value,
    base: &mut Value,
    add: &Value,
    at: &str,
    path: &str,
    errors: &mut Vec<FieldError>,
) {
    let Some(add) = add.as_object() else {
        return;
    };
    for key in add.keys().filter(|k| !DESCEND.contains(&k.as_str())) {
        errors.push(FieldError {
            pointer: format!("{at}/{}", escape(key)),
            message: format!(
                "`{key}` would change catalint's definition of {}",
                shown(path)
            ),
            label: "changes a built-in definition",
            help:
                "a policy adds fields to a built-in mapping with `properties` and `required` only"
                    .into(),
        });
    }
    inline_ref(root, base);
    let Some(base_obj) = base.as_object_mut() else {
        return;
    };
    if let Some(props) = add.get("properties").and_then(Value::as_object) {
        let existing = base_obj
            .entry("properties")
            .or_insert_with(|| Value::Object(Map::new()));
        let Some(existing) = existing.as_object_mut() else {
            return;
        };
        for (name, schema) in props {
            let here = format!("{at}/properties/{}", escape(name));
            let child = join(path, name);
            match existing.get_mut(name) {
                None => {
                    let mut schema = schema.clone();
                    crate::schema::local_refs(&mut schema);
                    close(&mut schema);
                    existing.insert(name.clone(), schema);
                }
                Some(current) if descends(schema) && is_mapping(root, current) => {
                    merge_into(root, current, schema, &here, &child, errors);
                }
                Some(_) => errors.push(FieldError {
                    pointer: here,
                    message: format!("{} is a built-in field; a policy cannot redefine it", shown(&child)),
                    label: "redefines a built-in field",
                    help: "choose another name for the organisation's field; `catalint schema <Kind>` shows the built-in ones".into(),
                }),
            }
        }
    }
    if let Some(required) = add.get("required").and_then(Value::as_array) {
        let known: Vec<String> = base_obj
            .get("properties")
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        let list = base_obj
            .entry("required")
            .or_insert_with(|| Value::Array(Vec::new()));
        let Some(list) = list.as_array_mut() else {
            return;
        };
        for (i, name) in required.iter().enumerate() {
            let Some(name) = name.as_str() else { continue };
            if !known.iter().any(|k| k == name) {
                let near = crate::suggest::nearest(name, known.iter().map(String::as_str));
                errors.push(FieldError {
                    pointer: format!("{at}/required/{i}"),
                    message: format!("`{name}` is required but is not a field of {}", shown(path)),
                    label: "not a field here",
                    help: match near {
                        Some(n) => format!("did you mean `{n}`?"),
                        None => format!("define `{name}` under `properties` first"),
                    },
                });
            } else if !list.iter().any(|v| v.as_str() == Some(name)) {
                list.push(Value::String(name.to_owned()));
            }
        }
    }
}

/// Whether an addition descends into a mapping (`properties`/`required`) rather than
/// defining a field; its other keywords are then reported one by one.
fn descends(add: &Value) -> bool {
    add.as_object()
        .is_some_and(|m| m.contains_key("properties") || m.contains_key("required"))
}

/// Whether a built-in field is a mapping with named fields (possibly through a `$ref`).
fn is_mapping(root: &Value, s: &Value) -> bool {
    let s = match s.get("$ref").and_then(Value::as_str) {
        Some(r) => match r.strip_prefix('#').and_then(|p| root.pointer(p)) {
            Some(t) => t,
            None => return false,
        },
        None => s,
    };
    s.get("properties").is_some_and(Value::is_object)
}

/// Replaces a local `$ref` by a copy of its target (its own keywords kept), so that fields
/// added to this kind's `metadata` do not reach the other kinds through the shared
/// definition.
fn inline_ref(root: &Value, s: &mut Value) {
    let Some(obj) = s.as_object_mut() else { return };
    let Some(Value::String(r)) = obj.get("$ref") else {
        return;
    };
    let Some(Value::Object(target)) = r.strip_prefix('#').and_then(|p| root.pointer(p)) else {
        return;
    };
    let target = target.clone();
    obj.remove("$ref");
    for (k, v) in target {
        obj.entry(k).or_insert(v);
    }
}

/// Closes the mappings an organisation defines, as catalint's own are: a mapping with
/// `properties` and no say on other keys gets `additionalProperties: false`, so a typo
/// inside it is an unknown field too. `additionalProperties: true` leaves one open.
pub fn close(s: &mut Value) {
    let Some(obj) = s.as_object_mut() else { return };
    if obj.contains_key("properties")
        && ![
            "additionalProperties",
            "unevaluatedProperties",
            "patternProperties",
        ]
        .iter()
        .any(|k| obj.contains_key(*k))
    {
        obj.insert("additionalProperties".into(), Value::Bool(false));
    }
    if let Some(Value::Object(props)) = obj.get_mut("properties") {
        props.values_mut().for_each(close);
    }
    if let Some(items) = obj.get_mut("items") {
        close(items);
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

fn shown(path: &str) -> String {
    if path.is_empty() {
        "the document".into()
    } else {
        format!("`{path}`")
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn service() -> Value {
        crate::schema::builtin(crate::catalogue::Kind::Service)
    }

    fn merged(add: Value) -> (Value, Vec<FieldError>) {
        let root = service();
        let mut composed = root.clone();
        let errors = merge(&root, &mut composed, &add, "/spec/fields/Service", "");
        (composed, errors)
    }

    #[test]
    fn adds_a_field_and_a_required_name() {
        let (s, errors) = merged(json!({"properties": {"spec": {
            "properties": {"costCentre": {"type": "string"}},
            "required": ["costCentre"],
        }}}));
        assert_eq!(errors, []);
        let spec = &s["properties"]["spec"];
        assert_eq!(spec["properties"]["costCentre"], json!({"type": "string"}));
        assert!(
            spec["required"]
                .as_array()
                .unwrap()
                .contains(&json!("costCentre"))
        );
        // The built-in fields are still there.
        assert!(spec["properties"]["category"].is_object());
    }

    #[test]
    fn adds_to_metadata_through_its_shared_definition() {
        let (s, errors) = merged(json!({"properties": {"metadata": {
            "properties": {"sysId": {"type": "string"}}
        }}}));
        assert_eq!(errors, []);
        let meta = &s["properties"]["metadata"];
        assert!(meta.get("$ref").is_none());
        assert!(meta["properties"]["sysId"].is_object());
        assert!(meta["properties"]["id"].is_object());
        // The shared definition itself is unchanged.
        assert!(s["$defs"]["metadata"]["properties"].get("sysId").is_none());
    }

    #[test]
    fn a_redefinition_is_an_error_at_its_key() {
        let (_, errors) = merged(json!({"properties": {"spec": {
            "properties": {"category": {"enum": ["a"]}}
        }}}));
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].pointer,
            "/spec/fields/Service/properties/spec/properties/category"
        );
        assert_eq!(
            errors[0].message,
            "`spec.category` is a built-in field; a policy cannot redefine it"
        );
        let (_, errors) = merged(json!({"properties": {"spec": {"type": "array"}}}));
        assert_eq!(errors[0].pointer, "/spec/fields/Service/properties/spec");
        let (_, errors) = merged(json!({"properties": {"spec": {
            "type": "array", "properties": {"costCentre": {"type": "string"}}
        }}}));
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].pointer,
            "/spec/fields/Service/properties/spec/type"
        );
        assert_eq!(
            errors[0].message,
            "`type` would change catalint's definition of `spec`"
        );
    }

    #[test]
    fn a_required_name_must_be_a_field() {
        let (_, errors) = merged(json!({"properties": {"spec": {
            "properties": {"costCentre": {"type": "string"}},
            "required": ["costCenter"],
        }}}));
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].help, "did you mean `costCentre`?");
    }

    #[test]
    fn new_mappings_are_closed_unless_opened() {
        let mut s = json!({"type": "object", "properties": {"a": {"properties": {"b": {}}}},
                           "items": {"properties": {}}});
        close(&mut s);
        assert_eq!(s["additionalProperties"], false);
        assert_eq!(s["properties"]["a"]["additionalProperties"], false);
        assert_eq!(s["items"]["additionalProperties"], false);
        let mut open = json!({"properties": {}, "additionalProperties": true});
        close(&mut open);
        assert_eq!(open["additionalProperties"], true);
    }
}
