//! Stage 7: reporters, the only code that writes. Each format is one small type behind
//! [`Reporter`]; all of them read the same diagnostics and never see the engine.

pub mod github;
mod human;
mod json;
pub mod junit;
pub mod sarif;
mod short;
pub mod text;

use std::io::{self, Write};

use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity, Summary};
use crate::rules::RuleInfo;
use crate::settings::config::FailOn;
use crate::source::{FileId, Files, LineCol};

pub use human::{Human, HumanOptions};

/// Output formats of `catalint check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Rich, human output with source snippets (the default).
    Human,
    /// One line per finding: `file:line:col: severity[rule] message`.
    Short,
    /// The JSON report of the contract.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF consumers.
    Sarif,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
    /// JUnit XML, for CI servers' test reports.
    Junit,
}

/// What every reporter reads.
pub struct Report<'a> {
    pub files: &'a Files,
    pub diagnostics: &'a [Diagnostic],
    pub summary: Summary,
    /// Every rule in force, built-in and custom: SARIF describes them all.
    pub rules: &'a [RuleInfo],
    /// The severity that fails the run (`--fail-on`).
    pub fail_on: FailOn,
    /// The files the run reports on (by file id), when not all of its files.
    pub reported: Option<&'a [bool]>,
}

impl<'a> Report<'a> {
    /// A report of every file, failing on errors.
    pub fn new(
        files: &'a Files,
        diagnostics: &'a [Diagnostic],
        summary: Summary,
        rules: &'a [RuleInfo],
    ) -> Self {
        Self {
            files,
            diagnostics,
            summary,
            rules,
            fail_on: FailOn::Error,
            reported: None,
        }
    }

    /// Whether a finding of this severity fails the run.
    pub fn fails(&self, severity: Severity) -> bool {
        match self.fail_on {
            FailOn::Error => severity == Severity::Error,
            FailOn::Warning => true,
            FailOn::Never => false,
        }
    }

    /// Whether the run reports on this file (pre-commit reports the staged files only).
    pub fn is_reported(&self, file: FileId) -> bool {
        self.reported
            .is_none_or(|r| r.get(file.0 as usize).copied().unwrap_or(false))
    }

    /// Start and end (end exclusive) of a diagnostic's primary place.
    pub fn range(&self, d: &Diagnostic) -> (LineCol, LineCol) {
        let f = self.files.get(d.primary.location.file);
        (
            f.line_col(d.primary.location.span.start),
            f.line_col(d.primary.location.span.end),
        )
    }

    pub fn path(&self, d: &Diagnostic) -> &str {
        &self.files.get(d.primary.location.file).path
    }
}

pub trait Reporter {
    fn report(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()>;
}

/// The reporter for a machine format; `human` needs terminal options and is built apart.
pub fn machine(format: Format) -> Option<Box<dyn Reporter>> {
    match format {
        Format::Human => None,
        Format::Short => Some(Box::new(short::Short)),
        Format::Json => Some(Box::new(json::Json)),
        Format::Sarif => Some(Box::new(sarif::Sarif)),
        Format::Github => Some(Box::new(github::Github)),
        Format::Junit => Some(Box::new(junit::Junit::from_environment())),
    }
}

/// "2 problems (1 error, 1 warning) in 52 files, 61 entities".
pub fn summary_line(s: &Summary) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let scope = format!(
        "{}, {}",
        plural(s.files, "file", "files"),
        plural(s.entities, "entity", "entities")
    );
    let skipped = match s.skipped {
        0 => String::new(),
        1 => "; 1 named file outside the catalogue skipped".to_owned(),
        n => format!("; {n} named files outside the catalogue skipped"),
    };
    let problems = s.errors + s.warnings;
    if problems == 0 {
        return format!("no problems in {scope}{skipped}");
    }
    format!(
        "{} ({}, {}) in {scope}{skipped}{}",
        plural(problems, "problem", "problems"),
        plural(s.errors, "error", "errors"),
        plural(s.warnings, "warning", "warnings"),
        fixable_note(s),
    )
}

/// "; 2 fixable with --fix (1 more with --unsafe-fixes)", or nothing.
fn fixable_note(s: &Summary) -> String {
    match (s.fixable, s.unsafe_fixable) {
        (0, 0) => String::new(),
        (0, u) => format!("; {u} fixable with --unsafe-fixes"),
        (n, 0) => format!("; {n} fixable with --fix"),
        (n, u) => format!("; {n} fixable with --fix ({u} more with --unsafe-fixes)"),
    }
}

/// The flag that applies a fix, for hints.
pub fn fix_flag(fix: &Fix) -> &'static str {
    match fix.applicability {
        Applicability::Safe => "--fix",
        Applicability::Unsafe => "--unsafe-fixes",
    }
}

/// A fix as the JSON report shows it: its edits by line and column (the contract's
/// positions: 1-based, columns in characters, ends exclusive).
#[derive(serde::Serialize)]
pub struct FixView<'a> {
    description: &'a str,
    applicability: &'static str,
    edits: Vec<EditView<'a>>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct EditView<'a> {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    text: &'a str,
}

impl<'a> FixView<'a> {
    pub fn new(report: &Report<'a>, file: FileId, fix: &'a Fix) -> Self {
        let f = report.files.get(file);
        Self {
            description: &fix.description,
            applicability: fix.applicability.as_str(),
            edits: fix
                .edits
                .iter()
                .map(|e| {
                    let (s, end) = (f.line_col(e.range.start), f.line_col(e.range.end));
                    EditView {
                        line: s.line,
                        column: s.column,
                        end_line: end.line,
                        end_column: end.column,
                        text: &e.text,
                    }
                })
                .collect(),
        }
    }
}

/// A fix as a SARIF `fix` object: one `artifactChange` of the finding's file, one
/// `replacement` per edit.
pub fn fix_sarif(
    report: &Report<'_>,
    file: FileId,
    fix: &Fix,
    artifact: fn(&str) -> serde_json::Value,
) -> serde_json::Value {
    let f = report.files.get(file);
    let replacements: Vec<serde_json::Value> = fix
        .edits
        .iter()
        .map(|e| {
            let (s, end) = (f.line_col(e.range.start), f.line_col(e.range.end));
            serde_json::json!({
                "deletedRegion": {
                    "startLine": s.line,
                    "startColumn": s.column,
                    "endLine": end.line,
                    "endColumn": end.column,
                },
                "insertedContent": {"text": e.text},
            })
        })
        .collect();
    serde_json::json!({
        "description": {"text": format!("{} ({})", fix.description, fix.applicability.as_str())},
        "artifactChanges": [{
            "artifactLocation": artifact(&f.path),
            "replacements": replacements,
        }],
    })
}
