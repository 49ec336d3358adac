//! Stage 6: suppression comments, between the rules and the reporters.
//!
//! ```yaml
//! # catalint-disable-next-line agreement-type, sla-defined -- reviewed with the owner, 2026-05
//! # catalint-disable-file unique-id -- ids migrate in Q3
//! ```
//!
//! A comment counts when it is the first thing on its line. `disable-next-line` covers
//! findings on the next line that is not blank or a comment; `disable-file` covers the
//! whole file. A suppression that covers nothing is an `unused-suppression` warning; one
//! that names an unknown rule is an `invalid-suppression` error.

use std::ops::Range;

use crate::diagnostic::{Diagnostic, Label};
use crate::policy::Policy;
use crate::rules::{self, invalid_suppression, unused_suppression};
use crate::source::{FileId, Files, Location, SourceFile};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// 0-based line covered.
    Line(usize),
    File,
}

#[derive(Debug)]
struct Entry {
    file: FileId,
    scope: Scope,
    rule: String,
    /// The rule id in the comment.
    span: Range<usize>,
    used: bool,
}

const NEXT_LINE: &str = "catalint-disable-next-line";
const WHOLE_FILE: &str = "catalint-disable-file";

/// Finds the suppression comments of one file; malformed ones become findings.
fn scan(
    file: FileId,
    source: &SourceFile,
    policy: &Policy,
    out: &mut Vec<Diagnostic>,
) -> Vec<Entry> {
    let text = &source.text;
    let mut entries = Vec::new();
    for line in 0..source.line_count() {
        let (start, end) = (source.line_start(line), source.line_end(line));
        let content = &text[start..end];
        let trimmed = content.trim_start();
        let Some(comment) = trimmed.strip_prefix('#') else {
            continue;
        };
        let comment_at = start + (content.len() - trimmed.len());
        let body = comment.trim_start();
        let (scope, rest) = if let Some(r) = body.strip_prefix(NEXT_LINE) {
            (Scope::Line(next_code_line(source, line)), r)
        } else if let Some(r) = body.strip_prefix(WHOLE_FILE) {
            (Scope::File, r)
        } else {
            continue;
        };
        if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
            continue; // `catalint-disable-filex`: not ours
        }
        let list_at = end - rest.len();
        let list = rest.split_once("--").map_or(rest, |(l, _)| l);
        let mut any = false;
        let mut offset = list_at;
        for part in list.split(',') {
            let id = part.trim();
            let id_at = offset + (part.len() - part.trim_start().len());
            offset += part.len() + 1;
            if id.is_empty() {
                continue;
            }
            any = true;
            let span = id_at..id_at + id.len();
            if !policy.knows(id) {
                let help = match policy.unknown_rule_message(id).split_once("; ") {
                    Some((_, hint)) => hint.to_owned(),
                    None => "`catalint rules` lists every rule id".to_owned(),
                };
                out.push(
                    rules::finding(
                        &invalid_suppression::META,
                        format!("suppression names unknown rule `{id}`"),
                        Label::new(Location::new(file, span), "not a rule id"),
                    )
                    .with_help(help),
                );
                continue;
            }
            entries.push(Entry {
                file,
                scope,
                rule: id.to_owned(),
                span,
                used: false,
            });
        }
        if !any {
            out.push(
                rules::finding(
                    &invalid_suppression::META,
                    "suppression comment names no rule",
                    Label::new(Location::new(file, comment_at..end), "which rule?"),
                )
                .with_help(format!(
                    "name the rules it silences, and why: `# {NEXT_LINE} RULE -- reason`"
                )),
            );
        }
    }
    entries
}

/// The first line after `line` that holds more than blanks or a comment.
fn next_code_line(source: &SourceFile, line: usize) -> usize {
    let mut l = line + 1;
    while l < source.line_count() {
        let t = source.text[source.line_start(l)..source.line_end(l)].trim_start();
        if !t.is_empty() && !t.starts_with('#') {
            return l;
        }
        l += 1;
    }
    l
}

/// Drops suppressed findings and adds the findings about the suppressions themselves.
/// `active` tells whether a rule is on: a suppression of a rule turned off is not "unused".
pub fn apply(
    diagnostics: Vec<Diagnostic>,
    files: &Files,
    policy: &Policy,
    active: &dyn Fn(&str) -> bool,
) -> Vec<Diagnostic> {
    let mut extra = Vec::new();
    let mut entries: Vec<Entry> = Vec::new();
    for (id, source) in files.iter() {
        if source.text.contains("catalint-disable") {
            entries.extend(scan(id, source, policy, &mut extra));
        }
    }
    if entries.is_empty() {
        let mut all = diagnostics;
        all.extend(extra);
        return all;
    }
    let mut kept = Vec::with_capacity(diagnostics.len());
    for d in diagnostics {
        let file = d.file();
        let line = files.get(file).line_of(d.primary.location.span.start);
        let mut suppressed = false;
        for e in entries
            .iter_mut()
            .filter(|e| e.file == file && e.rule == d.rule)
        {
            if e.scope == Scope::File || e.scope == Scope::Line(line) {
                e.used = true;
                suppressed = true;
            }
        }
        if !suppressed {
            kept.push(d);
        }
    }
    let unused: Vec<&Entry> = entries
        .iter()
        .filter(|e| !e.used && active(&e.rule))
        .collect();
    for e in &unused {
        let source = files.get(e.file);
        let line = source.line_of(e.span.start);
        let others: Vec<Range<usize>> = unused
            .iter()
            .filter(|o| o.file == e.file && source.line_of(o.span.start) == line)
            .map(|o| o.span.clone())
            .collect();
        let fix = crate::fix::suppression::remove(source, &e.span, &e.rule, &others);
        let what = match e.scope {
            Scope::File => "in this file",
            Scope::Line(_) => "on the next line",
        };
        kept.push(
            rules::finding(
                &unused_suppression::META,
                format!("suppression of `{}` suppresses nothing", e.rule),
                Label::new(
                    Location::new(e.file, e.span.clone()),
                    format!("no `{}` finding {what}", e.rule),
                ),
            )
            .with_help(
                "the problem is gone, or the comment is on the wrong line: remove or move it",
            )
            .with_fix_opt(fix),
        );
    }
    kept.extend(extra);
    kept
}
