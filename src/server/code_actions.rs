//! Code actions: each finding's fix as a quick fix (an unsafe one says so and is never the
//! preferred action), "fix all safe fixes in this file" (`source.fixAll.catalint`, one round
//! of the fixes that do not overlap: `catalint check --fix` runs further rounds), and
//! "suppress RULE on this line" (a `catalint-disable-next-line` comment, indented like the
//! line, or the rule added to such a comment just above).

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, TextEdit, Uri, WorkspaceEdit,
};
use serde_json::Value;

use super::diagnostics::{file_uri, to_lsp, unreadable};
use super::{Answer, Server, json};
use crate::diagnostic::{Applicability, Diagnostic, Edit};
use crate::rules::{invalid_suppression, unused_suppression};
use crate::source::{FileId, SourceFile};
use crate::workspace::Workspace;

pub const FIX_ALL: &str = "source.fixAll.catalint";

/// Whether a client's `only` list asks for actions of `kind` (kinds are hierarchical:
/// `source` asks for `source.fixAll.catalint`).
fn wanted(only: Option<&[CodeActionKind]>, kind: &str) -> bool {
    only.is_none_or(|kinds| {
        kinds.iter().any(|k| {
            let k = k.as_str();
            kind == k
                || kind
                    .strip_prefix(k)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    })
}

pub fn code_actions(s: &Server<'_>, p: CodeActionParams) -> Answer {
    let Some((ws, file)) = s.locate(&p.text_document.uri)? else {
        return Ok(Value::Null);
    };
    let Some(uri) = file_uri(ws.files(), file) else {
        return Ok(Value::Null);
    };
    let source = ws.files().get(file);
    let span = super::convert::Positions::new(source, s.encoding()).span(p.range);
    let only = p.context.only.as_deref();
    let policy = Some(&ws.settings().policy);
    let in_file: Vec<&Diagnostic> = ws
        .diagnostics()
        .iter()
        .filter(|d| d.file() == file)
        .collect();
    let mut out: Vec<CodeActionOrCommand> = Vec::new();
    let here = in_file.iter().filter(|d| {
        let sp = &d.primary.location.span;
        sp.start <= span.end && span.start <= sp.end
    });
    if wanted(only, CodeActionKind::QUICKFIX.as_str()) {
        let mut suppressions = Vec::new();
        for d in here {
            let shown = to_lsp(d, ws.files(), policy, s.encoding());
            if let Some(fix) = &d.fix {
                let safe = fix.applicability == Applicability::Safe;
                let title = match safe {
                    true => fix.description.clone(),
                    false => format!("{} (unsafe: review it)", fix.description),
                };
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![shown.clone()]),
                    edit: Some(edit(s, ws, file, &uri, fix.edits.iter())),
                    is_preferred: Some(safe),
                    ..CodeAction::default()
                }));
            }
            let rule = d.rule.as_ref();
            if rule == unused_suppression::META.id || rule == invalid_suppression::META.id {
                continue;
            }
            let line = source.line_of(d.primary.location.span.start);
            if suppressions.contains(&(rule, line)) {
                continue;
            }
            suppressions.push((rule, line));
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Suppress `{rule}` on this line"),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![shown]),
                edit: Some(edit(
                    s,
                    ws,
                    file,
                    &uri,
                    [suppress(source, line, rule)].iter(),
                )),
                ..CodeAction::default()
            }));
        }
    }
    if wanted(only, FIX_ALL) {
        let edits = fix_all(&in_file);
        if !edits.is_empty() {
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!(
                    "Fix all safe catalint findings in this file ({})",
                    edits.len()
                ),
                kind: Some(CodeActionKind::new(FIX_ALL)),
                edit: Some(edit(s, ws, file, &uri, edits.into_iter())),
                ..CodeAction::default()
            }));
        }
    }
    json(out)
}

fn edit<'e>(
    s: &Server<'_>,
    ws: &Workspace,
    file: FileId,
    uri: &Uri,
    edits: impl Iterator<Item = &'e Edit>,
) -> WorkspaceEdit {
    let edits: Vec<TextEdit> = edits
        .map(|e| TextEdit {
            range: s.range(ws, file, &e.range),
            new_text: e.text.clone(),
        })
        .collect();
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}

/// The edits of the safe fixes of a file's findings that do not overlap, earliest first.
/// A file that was not read whole is never edited.
fn fix_all<'d>(findings: &[&'d Diagnostic]) -> Vec<&'d Edit> {
    if findings.iter().any(|d| unreadable(&d.rule)) {
        return Vec::new();
    }
    let mut fixes: Vec<_> = findings
        .iter()
        .filter_map(|d| d.fix.as_deref())
        .filter(|f| f.applicability == Applicability::Safe && !f.edits.is_empty())
        .collect();
    fixes.sort_by_key(|f| (f.range().start, f.range().end));
    let mut out: Vec<&Edit> = Vec::new();
    let mut taken: Vec<std::ops::Range<usize>> = Vec::new();
    for f in fixes {
        let r = f.range();
        // Touching ranges conflict too: two insertions at one place have no order.
        if taken.iter().any(|t| r.start <= t.end && t.start <= r.end) {
            continue;
        }
        taken.push(r);
        out.extend(f.edits.iter());
    }
    out
}

/// The edit that suppresses `rule` on `line`: the rule added to a
/// `catalint-disable-next-line` comment on the line above, or a new comment there,
/// indented like the line.
fn suppress(source: &SourceFile, line: usize, rule: &str) -> Edit {
    let text: &str = &source.text;
    let start = source.line_start(line);
    let content = &text[start..source.line_end(line)];
    if line > 0 {
        let above_start = source.line_start(line - 1);
        let above_end = source.line_end(line - 1);
        let above = &text[above_start..above_end];
        let body = above.trim_start().strip_prefix('#').map(str::trim_start);
        if let Some(rest) = body.and_then(|b| b.strip_prefix("catalint-disable-next-line"))
            && rest.starts_with(char::is_whitespace)
        {
            // The list of rules ends at ` -- reason`, or at the end of the line.
            let list_end = above.find(" --").map_or(above_end, |i| above_start + i);
            let list_end = above_start + text[above_start..list_end].trim_end().len();
            return Edit::replace(list_end..list_end, format!(", {rule}"));
        }
    }
    let indent: String = content
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let newline = match &text[source.line_end(line)..] {
        t if t.starts_with("\r\n") => "\r\n",
        t if t.starts_with('\r') => "\r",
        _ => "\n",
    };
    Edit::replace(
        start..start,
        format!("{indent}# catalint-disable-next-line {rule}{newline}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suppression_is_indented_or_joins_the_comment_above() {
        let f = SourceFile::new("a.yaml", "spec:\n  owner: x\n");
        let e = suppress(&f, 1, "individual-owner");
        assert_eq!(e.range, 6..6);
        assert_eq!(e.text, "  # catalint-disable-next-line individual-owner\n");
        let f = SourceFile::new(
            "a.yaml",
            "spec:\n  # catalint-disable-next-line a -- why\n  owner: x\n",
        );
        let e = suppress(&f, 2, "b");
        let applied = crate::fix::apply(&f.text, [&crate::diagnostic::Fix::safe("", vec![e])]);
        assert_eq!(
            applied,
            "spec:\n  # catalint-disable-next-line a, b -- why\n  owner: x\n"
        );
    }

    #[test]
    fn only_filters_by_kind_prefix() {
        let source = [CodeActionKind::SOURCE];
        assert!(wanted(Some(&source), FIX_ALL));
        assert!(!wanted(Some(&source), "quickfix"));
        assert!(wanted(None, "quickfix"));
        let exact = [CodeActionKind::new(FIX_ALL)];
        assert!(wanted(Some(&exact), FIX_ALL));
        let sourcex = [CodeActionKind::new("sour")];
        assert!(!wanted(Some(&sourcex), FIX_ALL));
    }
}
