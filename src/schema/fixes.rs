//! Fixes for `schema` findings: the field meant by a misspelt key, the value meant by a
//! rejected one. Each is a guess, so each is unsafe.

use std::ops::Range;

use serde_json::Value;

use super::errors::{Issue, SchemaCheck, What};
use crate::catalogue::clip;
use crate::diagnostic::{Edit, Fix};
use crate::load::Ambiguous;

/// `critically` -> `criticality`: when exactly one allowed field is close to the unknown
/// key and the mapping does not have it already. Unsafe: the name is a guess.
pub(super) fn rename_fix(
    check: &SchemaCheck<'_>,
    mapping: &Value,
    key: &str,
    key_span: &Range<usize>,
    allowed: &[&str],
) -> Option<Fix> {
    let name = crate::edit::sole_nearest(key, allowed.iter().copied())?;
    if mapping.get(name).is_some() || check.text.get(key_span.clone()) != Some(key) {
        return None;
    }
    let edit = crate::edit::replace_scalar(check.text, key_span, name)?;
    Some(Fix::unsafe_(
        format!("rename `{key}` to `{name}`"),
        vec![edit],
    ))
}

/// The value the author most likely meant, for a value the schema rejects: the boolean a
/// YAML 1.1 word stands for (`yes` -> `true`) where a boolean is expected, or the one
/// allowed name close to a misspelt one (`customer` -> `customer-facing`). Both change
/// the value, so both are unsafe.
pub(super) fn value_fix(
    text: &str,
    span: &Range<usize>,
    issue: &Issue,
    what: &What,
    schema: Option<(&Value, &Value)>,
    ambiguous: Option<&Ambiguous>,
) -> Option<Fix> {
    let (root, sch) = schema?;
    if let Some(a) = ambiguous {
        let resolved = super::describe::resolve_ref(
            root,
            sch.get("$ref").and_then(Value::as_str).unwrap_or(""),
        )
        .unwrap_or(sch);
        let boolean = resolved.get("type").and_then(Value::as_str) == Some("boolean");
        if boolean && matches!(a.yaml11.as_str(), "true" | "false") {
            return Some(Fix::unsafe_(
                format!(
                    "write `{}` for `{}`, as YAML 1.1 reads it",
                    a.yaml11, a.text
                ),
                vec![Edit::replace(span.clone(), a.yaml11.clone())],
            ));
        }
        return None;
    }
    if !matches!(what, What::Enum | What::Const | What::NoBranch) {
        return None;
    }
    let Value::String(s) = &issue.instance else {
        return None;
    };
    let mut names = Vec::new();
    string_options(root, sch, &mut names, 0);
    let name = crate::edit::sole_value(s, names.iter().copied())?;
    let edit = crate::edit::replace_scalar(text, span, name)?;
    Some(Fix::unsafe_(
        format!("replace `{}` with `{name}`", clip(s, 60)),
        vec![edit],
    ))
}

/// The strings a schema allows by name (`enum`, `const`, through `$ref`, `oneOf`, `anyOf`
/// and list `items`), for "did you mean".
pub(super) fn string_options<'s>(
    root: &'s Value,
    s: &'s Value,
    out: &mut Vec<&'s str>,
    depth: usize,
) {
    if depth > 8 {
        return;
    }
    if let Some(Value::Array(o)) = s.get("enum") {
        out.extend(o.iter().filter_map(Value::as_str));
    }
    if let Some(Value::String(c)) = s.get("const") {
        out.push(c);
    }
    if let Some(r) = s.get("$ref").and_then(Value::as_str)
        && let Some(t) = super::describe::resolve_ref(root, r)
    {
        string_options(root, t, out, depth + 1);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(branches)) = s.get(key) {
            for b in branches {
                string_options(root, b, out, depth + 1);
            }
        }
    }
    if let Some(items) = s.get("items") {
        string_options(root, items, out, depth + 1);
    }
}
