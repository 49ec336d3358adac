//! `--format sarif`: SARIF 2.1.0, as GitHub code scanning and other consumers read it.
//! Rule metadata comes from the same registry text as `catalint explain`.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::{Report, Reporter};
use crate::diagnostic::{Diagnostic, Severity, fingerprint};
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
        "name": m.id,
        "shortDescription": {"text": m.summary},
        "fullDescription": {"text": section(&m.doc, "## What it checks")},
        "help": {"text": m.doc, "markdown": m.doc},
        "helpUri": format!("{INFO_URI}#rules"),
        "defaultConfiguration": {"level": level(m.default_severity)},
        "properties": properties,
    })
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
        "artifactLocation": {"uri": uri(&f.path)},
        "region": {
            "startLine": s.line,
            "startColumn": s.column,
            "endLine": e.line,
            "endColumn": e.column,
        }
    })
}

fn result(report: &Report<'_>, d: &Diagnostic) -> Value {
    let index = report.rules.iter().position(|r| r.id == d.rule);
    let mut text = d.message.clone();
    if let Some(h) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(h);
    }
    let related: Vec<Value> = d
        .related
        .iter()
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
        "partialFingerprints": {"catalint/v1": fingerprint(d, report.files).digest()},
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
    r
}

impl Reporter for Sarif {
    fn report(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        let doc = json!({
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "catalint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": INFO_URI,
                    "rules": report.rules.iter().map(rule).collect::<Vec<_>>(),
                }},
                "columnKind": "unicodeCodePoints",
                "results": report.diagnostics.iter().map(|d| result(report, d)).collect::<Vec<_>>(),
            }],
        });
        serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
        writeln!(out)
    }
}
