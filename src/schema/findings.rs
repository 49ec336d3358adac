//! A schema [`Issue`] in words: the finding at the exact key or value, its label, and help
//! that knows how YAML read what was written.

use std::ops::Range;

use serde_json::Value;

use super::describe::{expectation, one_of, property_hint, property_names, subschema};
use super::errors::{Issue, RULE, SchemaCheck, What, display_path, parent_of};
use super::fixes::{rename_fix, string_options, value_fix};
use crate::catalogue::{clip, show_json};
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::load::{Ambiguous, push_segment};
use crate::source::Location;
use crate::suggest;

pub(super) fn to_diagnostics(
    check: &SchemaCheck<'_>,
    root: &Value,
    issue: Issue,
) -> Vec<Diagnostic> {
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
                // A profile whose format leaves mappings open reports their unknown keys
                // as its own rule (a warning), but the document's top level is closed
                // everywhere: Backstage refuses an entity with a foreign root field
                // (`NoForeignRootFieldsEntityPolicy`), so that is a `schema` error.
                let (rule, severity) = match check.compiled.unknown_field {
                    _ if issue.pointer.is_empty() => (RULE, Severity::Error),
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
            let help = match schema_here.and_then(|s| s.get("enum")) {
                Some(Value::Array(options)) => {
                    suggest::nearest(key, options.iter().filter_map(Value::as_str))
                        .map(|n| format!("did you mean `{n}`?"))
                }
                _ if expected.starts_with("`[prefix/]name`") => prefixed_key_help(key),
                _ => None,
            };
            let mut d = Diagnostic::new(
                RULE,
                Severity::Error,
                format!(
                    "the key `{}` in `{parent}` is not {expected}",
                    clip(key, 60)
                ),
                Label::new(loc(key_span), "not a valid key"),
            )
            .with_pointer(issue.pointer.clone());
            d.help = help;
            push(d);
        }
        what => {
            let expected =
                schema_here.map_or_else(|| "a valid value".to_owned(), |s| expectation(root, s));
            let found = show_json(&issue.instance);
            let (message, label) = match what {
                What::NotEmpty => (format!("`{path}` must not be empty"), "empty".to_owned()),
                What::MaxLength(n) => {
                    let len = issue.instance.as_str().map_or(0, |v| v.chars().count());
                    (
                        format!("`{path}` is {len} characters long, more than the {n} allowed"),
                        match len.saturating_sub(*n as usize) {
                            1 => "1 character too long".to_owned(),
                            over => format!("{over} characters too long"),
                        },
                    )
                }
                What::MinProperties(n) => (
                    format!(
                        "`{path}` must hold at least {n} key{}",
                        if *n == 1 { "" } else { "s" }
                    ),
                    "too few keys".to_owned(),
                ),
                What::MaxProperties(n) => (
                    format!(
                        "`{path}` may hold at most {n} key{}, found {}",
                        if *n == 1 { "" } else { "s" },
                        issue.instance.as_object().map_or(0, serde_json::Map::len)
                    ),
                    "too many keys".to_owned(),
                ),
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

/// What is wrong with a `[prefix/]name` key (Backstage's label and annotation keys), in
/// the order Backstage's validator functions check it: the one part that fails.
fn prefixed_key_help(key: &str) -> Option<String> {
    let chars = |s: &str| s.chars().count();
    let parts: Vec<&str> = key.split('/').collect();
    let (prefix, name) = match parts.as_slice() {
        [name] => (None, *name),
        [prefix, name] => (Some(*prefix), *name),
        _ => {
            return Some(format!(
                "it has {} `/`; a key has at most one, between the prefix and the name",
                parts.len() - 1
            ));
        }
    };
    if let Some(prefix) = prefix {
        if chars(prefix) > 253 {
            return Some(format!(
                "its prefix is {} characters long, more than the 253 allowed",
                chars(prefix)
            ));
        }
        for part in prefix.split('.') {
            if chars(part) > 63 {
                return Some(format!(
                    "the prefix part `{}` is {} characters long, more than the 63 allowed",
                    clip(part, 20),
                    chars(part)
                ));
            }
            let lower = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
            if part.is_empty()
                || !part.chars().all(|c| lower(c) || c == '-')
                || part.starts_with('-')
                || part.ends_with('-')
                || part.contains("--")
            {
                return Some(format!(
                    "the prefix part `{}` is not lowercase letters and digits with single `-` between them",
                    clip(part, 20)
                ));
            }
        }
    }
    if chars(name) > 63 {
        return Some(format!(
            "its name is {} characters long, more than the 63 allowed",
            chars(name)
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Some(format!(
            "the name `{}` holds {}, which is not a letter, digit, `-`, `_` or `.`",
            clip(name, 30),
            match c {
                ' ' => "a space".to_owned(),
                c => format!("`{c}`"),
            }
        ));
    }
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !edge(name.chars().next()) || !edge(name.chars().last()) {
        return Some("the name must begin and end with a letter or digit".into());
    }
    None
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
    if matches!(
        what,
        What::MaxLength(_) | What::MinProperties(_) | What::MaxProperties(_)
    ) {
        // The count alone does not say what to write: the schema's own words do.
        return schema.map(
            |(root, s)| match s.get("description").and_then(Value::as_str) {
                Some(d) => format!("expected {d}"),
                None => format!("expected {}", expectation(root, s)),
            },
        );
    }
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
