//! Validator errors -> `schema` findings: one root cause, one finding, at the exact key or
//! value, in plain words that name what is allowed, with help that knows YAML.
//!
//! Here the validator's errors are reduced to [`Issue`]s (one per root cause, the likeliest
//! branch of a `oneOf` chosen); `findings.rs` puts each into words at its span, `fixes.rs`
//! proposes the value or key meant. The YAML 1.1 ambiguity check is apart, in
//! `ambiguity.rs`.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, ValidationError};
use serde_json::Value;

use super::Compiled;
use super::describe::{plain, property_names, subschema};
use crate::diagnostic::Diagnostic;
use crate::load::{Document, push_segment};
use crate::source::FileId;
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
    pub(super) eval: String,
    pub(super) what: What,
    pub(super) instance: Value,
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
pub(super) enum What {
    Type,
    Enum,
    Const,
    Required(String),
    Unknown(Vec<String>),
    Pattern,
    NotEmpty,
    MaxLength(u64),
    MinProperties(u64),
    MaxProperties(u64),
    MinItems(u64),
    MaxItems(u64),
    Unique,
    Range,
    /// No branch of a `oneOf`/`anyOf` fits the value's type.
    NoBranch,
    /// The value is of a shape a `not` excludes: in a `oneOf`, a branch that does not fit.
    Excluded,
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
        out.extend(super::findings::to_diagnostics(check, root, issue));
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
        ValidationErrorKind::Not { .. } => What::Excluded,
        ValidationErrorKind::MaxLength { limit } => What::MaxLength(*limit),
        ValidationErrorKind::MinProperties { limit } => What::MinProperties(*limit),
        ValidationErrorKind::MaxProperties { limit } => What::MaxProperties(*limit),
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
                            What::Type | What::Const | What::Enum | What::NoBranch | What::Excluded
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

pub(super) fn parent_of(eval: &str) -> &str {
    eval.rsplit_once('/').map_or("", |(p, _)| p)
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
