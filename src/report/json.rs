//! `--format json`: the contract's report (`version`, `diagnostics`, `summary`).

use std::io::{self, Write};

use serde::Serialize;

use super::{Report, Reporter};
use crate::diagnostic::Diagnostic;

pub struct Json;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonReport<'a, 'r> {
    version: u32,
    diagnostics: Diagnostics<'a, 'r>,
    summary: JsonSummary,
}

/// The diagnostics array, serialised one diagnostic at a time as it is built.
struct Diagnostics<'a, 'r>(&'a Report<'r>);

impl Serialize for Diagnostics<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.diagnostics.iter().map(|d| diagnostic(self.0, d)))
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pointer: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    related: Vec<JsonRelated<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<super::FixView<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonRelated<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonSummary {
    files: usize,
    entities: usize,
    errors: usize,
    warnings: usize,
    /// Present only when named files were left out, so that reports of ordinary runs keep
    /// the contract's four fields.
    #[serde(skip_serializing_if = "is_zero")]
    skipped: usize,
    /// Findings `--fix` (and only `--unsafe-fixes`) can fix; present when there are any.
    #[serde(skip_serializing_if = "is_zero")]
    fixable: usize,
    #[serde(skip_serializing_if = "is_zero")]
    unsafe_fixable: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

fn diagnostic<'a>(report: &'a Report<'_>, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
    let (start, end) = report.range(d);
    JsonDiagnostic {
        rule: &d.rule,
        severity: d.severity.as_str(),
        message: &d.message,
        file: &report.files.get(d.primary.location.file).path,
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        pointer: d.pointer.as_deref(),
        label: (!d.primary.message.is_empty()).then_some(d.primary.message.as_str()),
        help: d.help.as_deref(),
        related: d
            .related
            .iter()
            .map(|r| {
                let f = report.files.get(r.location.file);
                let (s, e) = (
                    f.line_col(r.location.span.start),
                    f.line_col(r.location.span.end),
                );
                JsonRelated {
                    file: &f.path,
                    line: s.line,
                    column: s.column,
                    end_line: e.line,
                    end_column: e.column,
                    message: &r.message,
                }
            })
            .collect(),
        fix: d
            .fix
            .as_deref()
            .map(|f| super::FixView::new(report, d.file(), f)),
    }
}

impl Reporter for Json {
    fn report(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        let s = report.summary;
        let doc = JsonReport {
            version: 1,
            diagnostics: Diagnostics(report),
            summary: JsonSummary {
                files: s.files,
                entities: s.entities,
                errors: s.errors,
                warnings: s.warnings,
                skipped: s.skipped,
                fixable: s.fixable,
                unsafe_fixable: s.unsafe_fixable,
            },
        };
        serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::from)?;
        writeln!(out)
    }
}
