//! Validator errors -> `schema` findings: one root cause, one finding, at the exact key or
//! value, in plain words that name what is allowed, with help that knows YAML.
//!
//! Why one file of this size: every kind of validator error is turned into words here, and
//! the kinds share the helpers that find the allowed values and the close ones; the YAML 1.1
//! ambiguity check is apart, in `ambiguity.rs`.

use std::ops::Range;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, ValidationError};
use serde_json::Value;

use super::Compiled;
use super::describe::{expectation, one_of, plain, property_hint, property_names, subschema};
use crate::catalogue::{clip, show_json};
use crate::diagnostic::{Diagnostic, Edit, Fix, Label, Severity};
use crate::load::{Ambiguous, Document, push_segment};
use crate::source::{FileId, Location};
use crate::suggest;

pub const RULE: &str = crate::diagnostic::ids::SCHEMA;

/// One document to check against one schema.
pub struct SchemaCheck<'a> {
    pub compiled: &'a Compiled,
    pub file: FileId,
    /// The whole text of the file, to see how a value was written.
    pub text: &'a str,
    pub doc: &'a Document,
}

/// A validator error reduced to what the message needs.
#[derive(Debug, Clone)]
pub struct Issue {
    /// JSON pointer of the offending value.
    pub pointer: String,
    /// Evaluation path of the failing keyword.
    eval: String,
    what: What,
    instance: Value,
}

impl Issue {
    /// The offending value, where there is one (`null` for a missing field).
    pub fn instance(&self) -> &Value {
        &self.instance
    }

    /// For a missing field: its name.
    pub fn missing(&self) -> Option<&str> {
        match &self.what {
            What::Required(p) => Some(p),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
enum What {
    Type,
    Enum,
    Const,
    Required(String),
    Unknown(Vec<String>),
    Pattern,
    NotEmpty,
    MinItems(u64),
    MaxItems(u64),
    Unique,
    Range,
    /// No branch of a `oneOf`/`anyOf` fits the value's type.
    NoBranch,
    /// A key that `propertyNames` rejects (the pointer names the key's entry).
    BadKey(String),
    Other(String),
}

/// Validates a document; `owned` tells which issues a domain rule reports instead.
pub fn check_document(check: &SchemaCheck<'_>, owned: &dyn Fn(&Issue) -> bool) -> Vec<Diagnostic> {
    let root = &check.compiled.schema;
    // Most documents are valid: answer them without collecting errors or reading spans.
    if check.compiled.validator.is_valid(check.doc.value.root()) {
        return Vec::new();
    }
    let mut issues = Vec::new();
    for err in check.compiled.validator.iter_errors(check.doc.value.root()) {
        flatten(&err, &mut issues);
    }
    let renamed = misspelt_required(root, &issues);
    // Several keywords can fail on the same place (type and pattern); keep the first.
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for issue in issues {
        if owned(&issue) {
            continue;
        }
        // A required field written with a typo is one finding, the unknown field's (whose
        // help names the field), not also a missing one.
        if let Some(prop) = issue.missing()
            && renamed
                .iter()
                .any(|(p, f)| *p == issue.pointer && f == prop)
        {
            continue;
        }
        let key = (
            issue.pointer.clone(),
            issue.missing().map(str::to_owned),
            matches!(issue.what, What::Unknown(_)),
        );
        if !seen.insert(key) {
            continue;
        }
        out.extend(to_diagnostics(check, root, issue));
    }
    out
}

/// (mapping, field) pairs where an unknown key of the mapping is a typo of the field: the
/// unknown field's "did you mean".
fn misspelt_required(root: &Value, issues: &[Issue]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for issue in issues {
        let What::Unknown(keys) = &issue.what else {
            continue;
        };
        let allowed = subschema(root, parent_of(&issue.eval))
            .map(|s| property_names(root, s))
            .unwrap_or_default();
        for key in keys {
            if let Some(n) = suggest::nearest(key, allowed.iter().copied())
                && let Some(prop) = issues.iter().find_map(|i| {
                    i.missing()
                        .filter(|p| *p == n && i.pointer == issue.pointer)
                })
            {
                out.push((issue.pointer.clone(), prop.to_owned()));
            }
        }
    }
    out
}

/// The pointers that `check_document` would report, without building a single span: for a
/// document outside a focused run's reported files, whose findings are never shown but whose
/// broken values the domain rules must still leave alone.
pub fn failed_pointers(check: &SchemaCheck<'_>, owned: &dyn Fn(&Issue) -> bool) -> Vec<String> {
    if check.compiled.validator.is_valid(check.doc.value.root()) {
        return Vec::new();
    }
    let mut issues = Vec::new();
    for err in check.compiled.validator.iter_errors(check.doc.value.root()) {
        flatten(&err, &mut issues);
    }
    let mut out = Vec::new();
    for issue in issues.iter().filter(|i| !owned(i)) {
        match &issue.what {
            What::Required(prop) => out.push(push_segment(&issue.pointer, prop)),
            What::Unknown(keys) => {
                out.extend(keys.iter().map(|k| push_segment(&issue.pointer, k)));
            }
            _ => out.push(issue.pointer.clone()),
        }
    }
    out
}

fn flatten(err: &ValidationError<'_>, out: &mut Vec<Issue>) {
    let pointer = err.instance_path().as_str().to_owned();
    let eval = err.evaluation_path().as_str().to_owned();
    let instance = err.instance().clone().into_owned();
    let what = match err.kind() {
        ValidationErrorKind::Type { .. } => What::Type,
        ValidationErrorKind::Enum { .. } => What::Enum,
        ValidationErrorKind::Constant { .. } => What::Const,
        ValidationErrorKind::Required { property } => What::Required(plain(property)),
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            What::Unknown(unexpected.clone())
        }
        ValidationErrorKind::Pattern { .. } | ValidationErrorKind::Format { .. } => What::Pattern,
        ValidationErrorKind::MinLength { .. } => What::NotEmpty,
        ValidationErrorKind::MinItems { limit } => What::MinItems(*limit),
        ValidationErrorKind::MaxItems { limit } => What::MaxItems(*limit),
        ValidationErrorKind::UniqueItems => What::Unique,
        ValidationErrorKind::Minimum { .. }
        | ValidationErrorKind::Maximum { .. }
        | ValidationErrorKind::ExclusiveMinimum { .. }
        | ValidationErrorKind::ExclusiveMaximum { .. } => What::Range,
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            let branches: Vec<Vec<Issue>> = context
                .iter()
                .map(|errs| {
                    let mut b = Vec::new();
                    for e in errs {
                        flatten(e, &mut b);
                    }
                    b
                })
                .collect();
            match best_branch(&pointer, branches) {
                Some(issues) => {
                    out.extend(issues);
                    return;
                }
                None => What::NoBranch,
            }
        }
        ValidationErrorKind::PropertyNames { error } => {
            let key = error
                .instance()
                .as_str()
                .map(str::to_owned)
                .unwrap_or_default();
            out.push(Issue {
                pointer: push_segment(&pointer, &key),
                // Within the `propertyNames` schema, whose description says what a key is.
                eval: error.evaluation_path().as_str().to_owned(),
                what: What::BadKey(key),
                instance: Value::Null,
            });
            return;
        }
        other => What::Other(format!("{other:?}")),
    };
    let what = match what {
        What::Other(_) => What::Other(err.to_string()),
        w => w,
    };
    out.push(Issue {
        pointer,
        eval,
        what,
        instance,
    });
}

/// Picks the branch of a `oneOf`/`anyOf` that the author most likely meant: one whose type
/// fits the value, with the fewest problems. `None` when no branch's type fits.
fn best_branch(pointer: &str, branches: Vec<Vec<Issue>>) -> Option<Vec<Issue>> {
    branches
        .into_iter()
        .filter(|b| {
            !b.is_empty()
                && !b.iter().any(|i| {
                    i.pointer == pointer
                        && matches!(
                            i.what,
                            What::Type | What::Const | What::Enum | What::NoBranch
                        )
                })
        })
        .min_by_key(Vec::len)
}

/// `spec.serviceLevels.incident[0].response`, or `the document` for the root.
pub fn display_path(pointer: &str) -> String {
    if pointer.is_empty() {
        return "the document".into();
    }
    let mut out = String::new();
    for seg in pointer.split('/').skip(1) {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
            out.push('[');
            out.push_str(&seg);
            out.push(']');
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&seg);
        }
    }
    out
}

fn parent_of(eval: &str) -> &str {
    eval.rsplit_once('/').map_or("", |(p, _)| p)
}

fn to_diagnostics(check: &SchemaCheck<'_>, root: &Value, issue: Issue) -> Vec<Diagnostic> {
    let doc = check.doc;
    let loc = |span: Range<usize>| Location::new(check.file, span);
    let path = display_path(&issue.pointer);
    let schema_here = subschema(root, parent_of(&issue.eval));
    let value_span = doc.value_span(&issue.pointer);
    let resolved = doc.spans().resolve(&issue.pointer);
    let written_at = resolved.as_ref().and_then(|r| r.written_at.clone());
    let source = check.text.get(value_span.clone()).unwrap_or("");
    let ambiguous = doc
        .ambiguous()
        .iter()
        .find(|a| a.pointer == issue.pointer && !a.is_key);

    let mut out = Vec::new();
    let mut push = |d: Diagnostic| {
        let d = match &written_at {
            Some(w) => d.with_related(Label::new(
                loc(w.clone()),
                "the value comes from this anchor",
            )),
            None => d,
        };
        out.push(d);
    };
    match &issue.what {
        What::Required(prop) => {
            let span = doc.missing_span(&issue.pointer);
            let hint = schema_here.and_then(|s| property_hint(root, s, prop));
            let whose = if issue.pointer.is_empty() {
                "the document".to_owned()
            } else {
                format!("`{path}`")
            };
            let mut d = Diagnostic::new(
                RULE,
                Severity::Error,
                format!("{whose} is missing `{prop}`"),
                Label::new(loc(span), format!("`{prop}` is required here")),
            )
            .with_pointer(push_segment(&issue.pointer, prop));
            d.help = Some(match hint {
                Some(h) => format!("add `{prop}`: {h}"),
                None => format!("add `{prop}`"),
            });
            push(d);
        }
        What::Unknown(keys) => {
            let allowed = schema_here
                .map(|s| property_names(root, s))
                .unwrap_or_default();
            for key in keys {
                let pointer = push_segment(&issue.pointer, key);
                let key_span = doc
                    .spans()
                    .resolve(&pointer)
                    .map_or_else(|| value_span.clone(), |r| r.key.unwrap_or(r.value));
                let within = if issue.pointer.is_empty() {
                    "at the top level".to_owned()
                } else {
                    format!("in `{path}`")
                };
                let help = match suggest::nearest(key, allowed.iter().copied()) {
                    Some(n) => format!("did you mean `{n}`?"),
                    None if issue.pointer.is_empty()
                        && spec_fields(root).contains(&key.as_str()) =>
                    {
                        format!("`{key}` is a field of `spec`: indent it under `spec:`")
                    }
                    None if allowed.is_empty() => "remove it".to_owned(),
                    None => format!("remove it; allowed here: {}", allowed.join(", ")),
                };
                let help = match doc
                    .ambiguous()
                    .iter()
                    .find(|a| a.is_key && a.pointer == pointer)
                {
                    Some(a) => format!(
                        "{help} (unquoted `{}` is the string \"{}\" in YAML 1.2, but {} for YAML 1.1 tools)",
                        a.text, a.text, a.yaml11
                    ),
                    None => help,
                };
                let fix = rename_fix(check, &issue.instance, key, &key_span, &allowed);
                let (rule, severity) = match check.compiled.unknown_field {
                    RULE => (RULE, Severity::Error),
                    other => (other, Severity::Warning),
                };
                let d = Diagnostic::new(
                    rule,
                    severity,
                    format!("unknown field `{}` {within}", clip(key, 60)),
                    Label::new(loc(key_span), "not a field of this mapping"),
                )
                .with_pointer(pointer)
                .with_help(help);
                push(match fix {
                    Some(f) => d.with_fix(f),
                    None => d,
                });
            }
        }
        What::BadKey(key) => {
            let key_span = resolved.as_ref().map_or_else(
                || value_span.clone(),
                |r| r.key.clone().unwrap_or(r.value.clone()),
            );
            let parent = display_path(issue.pointer.rsplit_once('/').map_or("", |(p, _)| p));
            let expected = schema_here
                .and_then(|s| s.get("description"))
                .and_then(Value::as_str)
                .unwrap_or("a valid key");
            push(
                Diagnostic::new(
                    RULE,
                    Severity::Error,
                    format!(
                        "the key `{}` in `{parent}` is not {expected}",
                        clip(key, 60)
                    ),
                    Label::new(loc(key_span), "not a valid key"),
                )
                .with_pointer(issue.pointer.clone()),
            );
        }
        what => {
            let expected =
                schema_here.map_or_else(|| "a valid value".to_owned(), |s| expectation(root, s));
            let found = show_json(&issue.instance);
            let (message, label) = match what {
                What::NotEmpty => (format!("`{path}` must not be empty"), "empty".to_owned()),
                What::MinItems(n) => (
                    format!(
                        "`{path}` must list at least {n} item{}",
                        if *n == 1 { "" } else { "s" }
                    ),
                    "too few items".to_owned(),
                ),
                What::MaxItems(n) => (
                    format!("`{path}` may list at most {n} items"),
                    "too many items".to_owned(),
                ),
                What::Unique => (
                    format!("`{path}` lists the same value more than once"),
                    "has repeated items".to_owned(),
                ),
                What::Other(text) => (format!("`{path}`: {text}"), "here".to_owned()),
                _ => (
                    format!("`{path}` must be {expected}, found {found}"),
                    label_for(&issue.instance, what),
                ),
            };
            let mut d = Diagnostic::new(
                RULE,
                Severity::Error,
                message,
                Label::new(loc(value_span.clone()), label),
            )
            .with_pointer(issue.pointer.clone());
            d.help = value_help(
                &issue,
                what,
                schema_here.map(|s| (root, s)),
                source,
                ambiguous,
            );
            if written_at.is_none() && resolved.as_ref().is_some_and(|r| r.exact) {
                d.fix = value_fix(
                    check.text,
                    &value_span,
                    &issue,
                    what,
                    schema_here.map(|s| (root, s)),
                    ambiguous,
                )
                .map(Box::new);
            }
            push(d);
        }
    }
    out
}

/// The fields of a kind's `spec`: a key at the top level that is one was meant under `spec`.
fn spec_fields(root: &Value) -> Vec<&str> {
    root.pointer("/properties/spec")
        .map(|s| property_names(root, s))
        .unwrap_or_default()
}

fn label_for(instance: &Value, what: &What) -> String {
    match (what, instance) {
        (What::Type | What::NoBranch, v) => match v {
            Value::Null => "empty (null)".into(),
            Value::Bool(_) => "a boolean".into(),
            Value::Number(n) if n.is_f64() => "a number".into(),
            Value::Number(_) => "an integer".into(),
            Value::String(_) => "a string".into(),
            Value::Array(_) => "a list".into(),
            Value::Object(_) => "a mapping".into(),
        },
        (What::Range, _) => "out of range".into(),
        (What::Pattern, _) => "not in the expected form".into(),
        _ => "not an allowed value".into(),
    }
}

/// A help line that knows how YAML read what was written.
fn value_help(
    issue: &Issue,
    what: &What,
    schema: Option<(&Value, &Value)>,
    source: &str,
    ambiguous: Option<&Ambiguous>,
) -> Option<String> {
    let plain_scalar = !source.starts_with(['"', '\'', '|', '>', '[', '{', '*']);
    let expects = |t: &str| {
        schema.is_some_and(|(root, s)| {
            let s = super::describe::resolve_ref(
                root,
                s.get("$ref").and_then(Value::as_str).unwrap_or(""),
            )
            .unwrap_or(s);
            s.get("type").and_then(Value::as_str) == Some(t)
                || s.get("pattern").is_some() && t == "string"
                || matches!(s.get("enum"), Some(Value::Array(o)) if o.iter().all(Value::is_string))
                    && t == "string"
        })
    };
    if let Some(a) = ambiguous {
        let fix = if expects("boolean") {
            format!("write `{}`", a.yaml11)
        } else if expects("string") {
            format!("quote it: \"{}\"", a.text)
        } else {
            "write the value you mean without YAML 1.1 shorthand".to_owned()
        };
        return Some(format!(
            "YAML 1.2 reads unquoted `{}` as {}, while YAML 1.1 tools read it as {}; {fix}",
            a.text,
            show_json(&issue.instance),
            a.yaml11
        ));
    }
    if let Value::Null = issue.instance {
        return Some(
            "nothing is written after the key, so YAML reads the value as empty (null)".into(),
        );
    }
    if matches!(what, What::Type) && plain_scalar && expects("string") {
        match &issue.instance {
            Value::Number(n) => {
                let src = source.trim();
                if src != n.to_string() {
                    return Some(format!(
                        "`{src}` was read as the number {n}; quote it: \"{src}\""
                    ));
                }
                return Some(format!("quote it to make it a string: \"{src}\""));
            }
            Value::Bool(_) => {
                return Some(format!(
                    "`{}` was read as a boolean; quote it: \"{}\"",
                    source.trim(),
                    source.trim()
                ));
            }
            _ => {}
        }
    }
    if matches!(what, What::Enum | What::Const | What::NoBranch)
        && let (Value::String(s), Some((root, sch))) = (&issue.instance, schema)
    {
        let mut names = Vec::new();
        string_options(root, sch, &mut names, 0);
        if let Some(n) = suggest::nearest(s, names.iter().copied()) {
            return Some(format!("did you mean `{n}`?"));
        }
        if let (What::Enum, Some(Value::Array(options))) = (what, sch.get("enum")) {
            return Some(format!("use {}", one_of(options)));
        }
    }
    None
}

/// `critically` -> `criticality`: when exactly one allowed field is close to the unknown
/// key and the mapping does not have it already. Unsafe: the name is a guess.
fn rename_fix(
    check: &SchemaCheck<'_>,
    mapping: &Value,
    key: &str,
    key_span: &Range<usize>,
    allowed: &[&str],
) -> Option<Fix> {
    let name = crate::fix::sole_nearest(key, allowed.iter().copied())?;
    if mapping.get(name).is_some() || check.text.get(key_span.clone()) != Some(key) {
        return None;
    }
    let edit = crate::fix::replace_scalar(check.text, key_span, name)?;
    Some(Fix::unsafe_(
        format!("rename `{key}` to `{name}`"),
        vec![edit],
    ))
}

/// The value the author most likely meant, for a value the schema rejects: the boolean a
/// YAML 1.1 word stands for (`yes` -> `true`) where a boolean is expected, or the one
/// allowed name close to a misspelt one (`customer` -> `customer-facing`). Both change
/// the value, so both are unsafe.
fn value_fix(
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
    let name = crate::fix::sole_value(s, names.iter().copied())?;
    let edit = crate::fix::replace_scalar(text, span, name)?;
    Some(Fix::unsafe_(
        format!("replace `{}` with `{name}`", clip(s, 60)),
        vec![edit],
    ))
}

/// The strings a schema allows by name (`enum`, `const`, through `$ref`, `oneOf`, `anyOf`
/// and list `items`), for "did you mean".
fn string_options<'s>(root: &'s Value, s: &'s Value, out: &mut Vec<&'s str>, depth: usize) {
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

/// Names an instance's JSON type, for tests and messages.
#[allow(dead_code)]
fn type_name(k: &TypeKind) -> String {
    match k {
        TypeKind::Single(t) => json_type(*t).to_owned(),
        TypeKind::Multiple(ts) => ts.iter().map(json_type).collect::<Vec<_>>().join(" or "),
    }
}

fn json_type(t: JsonType) -> &'static str {
    match t {
        JsonType::Array => "a list",
        JsonType::Boolean => "a boolean",
        JsonType::Integer => "an integer",
        JsonType::Null => "null",
        JsonType::Number => "a number",
        JsonType::Object => "a mapping",
        JsonType::String => "a string",
    }
}
