//! `yaml-ambiguous-value`: plain scalars that YAML 1.1 tools read differently from YAML 1.2
//! (`no`, `on`, `0777`), found beside schema validation and reported where the schema did
//! not already explain them.

use crate::catalogue::show;
use crate::diagnostic::{Diagnostic, Edit, Fix, Label, Severity};
use crate::load::{Ambiguous, Document};
use crate::source::{FileId, Location};

/// `yaml-ambiguous-value` warnings: YAML 1.1 traps that the schema accepted (a trap the
/// schema rejects is already explained in that `schema` finding's help).
pub fn ambiguity(file: FileId, doc: &Document, reported: &[Diagnostic]) -> Vec<Diagnostic> {
    doc.ambiguous()
        .iter()
        .filter(|a| {
            !reported
                .iter()
                .any(|d| d.pointer.as_deref() == Some(a.pointer.as_str()))
        })
        .map(|a| {
            let what = if a.is_key { "key" } else { "value" };
            let reading = if a.is_key {
                format!("the string \"{}\"", a.text)
            } else {
                match doc.value.pointer(&a.pointer) {
                    Some(v) => show(v),
                    None => format!("\"{}\"", a.text),
                }
            };
            Diagnostic::new(
                crate::diagnostic::ids::YAML_AMBIGUOUS_VALUE,
                Severity::Warning,
                format!(
                    "unquoted {what} `{}` means {reading} in YAML 1.2 but {} to YAML 1.1 tools",
                    a.text, a.yaml11
                ),
                Label::new(
                    Location::new(file, a.span.clone()),
                    format!("YAML 1.1 reads {}", a.yaml11),
                ),
            )
            .with_pointer(a.pointer.clone())
            .with_fix(ambiguity_fix(doc, a))
            .with_help(
                match doc
                    .value
                    .pointer(&a.pointer)
                    .filter(|_| !a.is_key)
                    .map(|n| n.view())
                {
                    // A number the schema accepted: its plain decimal form reads the same to all.
                    Some(crate::load::View::Number(v)) => {
                        format!("write it as `{v}`, which every YAML tool reads as the same number")
                    }
                    _ => format!(
                        "quote it (\"{}\") so that every tool reads the same text",
                        a.text
                    ),
                },
            )
        })
        .collect()
}

/// Quote the trap, or, for a number that YAML 1.2 reads as a number, write it in the
/// decimal form every version reads alike. Safe: catalint's reading does not change.
fn ambiguity_fix(doc: &Document, a: &Ambiguous) -> Fix {
    let number = doc
        .value
        .pointer(&a.pointer)
        .filter(|_| !a.is_key)
        .and_then(|n| match n.view() {
            crate::load::View::Number(v) => Some(v.to_string()),
            _ => None,
        });
    match number {
        Some(v) => Fix::safe(
            format!("write `{}` as `{v}`", a.text),
            vec![Edit::replace(a.span.clone(), v)],
        ),
        None => Fix::safe(
            format!("quote `{}` so that YAML 1.1 tools read a string", a.text),
            vec![Edit::replace(
                a.span.clone(),
                crate::edit::double_quoted(&a.text),
            )],
        ),
    }
}
