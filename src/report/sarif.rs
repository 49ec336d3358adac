//! `--format sarif`: SARIF 2.1.0, as GitHub code scanning and other consumers read it.
//! Rule metadata comes from the same registry text as `catalint explain`.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;

use serde_json::{Value, json};

use super::{Report, Reporter};
use crate::diagnostic::{Diagnostic, RELATED_SHOWN, Severity, fingerprint};
use crate::rules::RuleInfo;
use crate::source::Location;

pub struct Sarif;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFO_URI: &str = "https://github.com/catalint/catalint";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The first paragraph of a doc section, as plain text.
fn section(doc: &str, heading: &str) -> String {
    doc.split_once(heading)
        .map(|(_, rest)| rest.split("\n## ").next().unwrap_or(""))
        .unwrap_or("")
        .trim()
        .to_owned()
}

fn rule(m: &RuleInfo) -> Value {
    let mut properties = json!({"stage": m.stage.as_str()});
    if let Some(origin) = &m.origin {
        properties["policy"] = json!(origin);
    }
    json!({
        "id": m.id,
        "name": pascal_case(&m.id),
        "shortDescription": {"text": m.summary},
        "fullDescription": {"text": section(&m.doc, "## What it checks")},
        "help": {"text": m.doc, "markdown": m.doc},
        "helpUri": format!("{INFO_URI}#rules"),
        "defaultConfiguration": {"level": level(m.default_severity)},
        "properties": properties,
    })
}

/// A rule's `name`: SARIF's convention is an identifier distinct from the id
/// (`single-category` is `SingleCategory`).
pub fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The base that relative `uri`s resolve against: the folder catalint ran in.
const SRCROOT: &str = "%SRCROOT%";

/// The artifact location of a shown path: relative to `%SRCROOT%` (the current folder), or,
/// for a file named absolutely outside it, a `file:` URI.
fn artifact(path: &str) -> Value {
    if Path::new(path).is_absolute() {
        json!({"uri": file_uri(Path::new(path), false)})
    } else {
        json!({"uri": uri(path), "uriBaseId": SRCROOT})
    }
}

/// `file:///abs/path`, with a trailing slash for a folder.
fn file_uri(abs: &Path, folder: bool) -> String {
    let mut p = uri(&abs.to_string_lossy());
    if !p.starts_with('/') {
        // A Windows drive path (`C:/...`).
        p.insert(0, '/');
    }
    if folder && !p.ends_with('/') {
        p.push('/');
    }
    format!("file://{p}")
}

/// A relative URI reference for a path: forward slashes, reserved characters escaped.
pub fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn physical(report: &Report<'_>, loc: &Location) -> Value {
    let f = report.files.get(loc.file);
    let (s, e) = (f.line_col(loc.span.start), f.line_col(loc.span.end));
    json!({
        "artifactLocation": artifact(&f.path),
        "region": {
            "startLine": s.line,
            "startColumn": s.column,
            "endLine": e.line,
            "endColumn": e.column,
        }
    })
}

/// `fingerprint` is the finding's `partialFingerprints` value, unique within the run.
fn result(report: &Report<'_>, d: &Diagnostic, fingerprint: String) -> Value {
    let index = report.rules.iter().position(|r| r.id == d.rule);
    let mut text = d.message.clone();
    if let Some(h) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(h);
    }
    // Bounded as in every text format; the JSON report has the full list.
    let related: Vec<Value> = d
        .related
        .iter()
        .take(RELATED_SHOWN)
        .enumerate()
        .map(|(i, r)| {
            json!({
                "id": i + 1,
                "physicalLocation": physical(report, &r.location),
                "message": {"text": r.message},
            })
        })
        .collect();
    let mut r = json!({
        "ruleId": d.rule,
        "level": level(d.severity),
        "message": {"text": text},
        "locations": [{
            "physicalLocation": physical(report, &d.primary.location),
            "message": {"text": d.primary.message},
        }],
        "partialFingerprints": {"catalint/v1": fingerprint},
    });
    if let Some(i) = index {
        r["ruleIndex"] = json!(i);
    }
    if !related.is_empty() {
        r["relatedLocations"] = Value::Array(related);
    }
    if let Some(p) = &d.pointer {
        r["properties"] = json!({"pointer": p});
    }
    if let Some(fix) = &d.fix {
        r["fixes"] = json!([super::fix_sarif(report, d.file(), fix, artifact)]);
    }
    r
}

/// Each finding's fingerprint, made unique within the run: findings alike in file, rule,
/// place and text (two on one line, say) get the first one's with `:2`, `:3`... appended,
/// in output order, as GitHub does for its own fingerprints.
fn fingerprints(report: &Report<'_>) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    report
        .diagnostics
        .iter()
        .map(|d| {
            let digest = fingerprint(d, report.files).digest();
            let n = seen.entry(digest.clone()).or_insert(0);
            *n += 1;
            if *n == 1 {
                digest
            } else {
                format!("{digest}:{n}")
            }
        })
        .collect()
}

/// The results array, serialised one result at a time as it is built: a report of
/// 256,000 findings never holds more than one result's JSON.
struct Results<'a, 'r> {
    report: &'a Report<'r>,
    fingerprints: Vec<String>,
}

impl serde::Serialize for Results<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            self.report
                .diagnostics
                .iter()
                .zip(&self.fingerprints)
                .map(|(d, f)| result(self.report, d, f.clone())),
        )
    }
}

#[derive(serde::Serialize)]
struct Document<'a, 'r> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a, 'r>; 1],
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a, 'r> {
    tool: Value,
    original_uri_base_ids: Value,
    column_kind: &'static str,
    results: Results<'a, 'r>,
}

impl Reporter for Sarif {
    fn report(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        let cwd = crate::paths::Cwd::current();
        let doc = Document {
            schema: SCHEMA,
            version: "2.1.0",
            runs: [Run {
                tool: json!({"driver": {
                    "name": "catalint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": INFO_URI,
                    "rules": report.rules.iter().map(rule).collect::<Vec<_>>(),
                }}),
                original_uri_base_ids: json!({SRCROOT: {"uri": file_uri(cwd.dir(), true)}}),
                column_kind: "unicodeCodePoints",
                results: Results {
                    report,
                    fingerprints: fingerprints(report),
                },
            }],
        };
        serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::from)?;
        writeln!(out)
    }
}
