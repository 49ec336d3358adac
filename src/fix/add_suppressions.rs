//! `check --add-suppressions`: a `# catalint-disable-next-line RULE -- TODO` comment above
//! each remaining finding, for adopting catalint on a catalogue that has many (like ruff's
//! `--add-noqa`). Like the fixer, this plans texts in memory and never touches the disk.
//!
//! - One comment per line, naming every rule of that line's findings, indented as that
//!   line is, with the file's own line break; a `disable-next-line` comment already on the
//!   line above gets the rules added to its list instead.
//! - A comment goes only where it is a YAML comment and changes no value: never inside a
//!   string or a flow collection written over several lines, never in a file that does not
//!   parse (where its comments end is unknown), never above a line that holds no YAML.
//!   Such findings are handed back, with the reason, for the caller to say so.
//! - Checked before kept: each file's documents must load to the same values, no finding
//!   may appear, and the findings commented must be gone. A file that fails keeps its text
//!   and its findings are handed back.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle};

use super::recheck::{Check, Edits, Run, Shifts};
use crate::diagnostic::{Diagnostic, Edit, ids};
use crate::schema::Schemas;
use crate::source::{Files, SourceFile};
use crate::suppress::{NEXT_LINE, Scalars, comment_or_blank_lines};

/// What `--add-suppressions` would do.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// The files that change, in path order.
    pub changes: Vec<Change>,
    /// The findings that got no comment, and why.
    pub left: Vec<Left>,
}

impl Plan {
    /// Comments written or extended.
    pub fn comments(&self) -> usize {
        self.changes.iter().map(|c| c.comments).sum()
    }

    /// Findings the comments suppress.
    pub fn suppressed(&self) -> usize {
        self.changes.iter().map(|c| c.findings).sum()
    }
}

#[derive(Debug, Clone)]
pub struct Change {
    pub path: String,
    pub before: String,
    pub after: String,
    /// Comment lines written, or extended with more rules.
    pub comments: usize,
    /// Findings they suppress.
    pub findings: usize,
}

/// A finding that no comment suppresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Left {
    pub path: String,
    /// 1-based.
    pub line: usize,
    pub rule: String,
    pub reason: String,
}

/// Plans a comment above each of `reported` (a run's final findings over `files`), in the
/// files that `focus` (by file id) lets change.
pub fn plan(
    files: &Files,
    reported: &[Diagnostic],
    run: &Run<'_>,
    focus: Option<&[bool]>,
) -> Result<Plan, String> {
    let names: Vec<String> = files.iter().map(|(_, f)| f.path.clone()).collect();
    let texts: Vec<String> = files.iter().map(|(_, f)| f.text.to_string()).collect();
    let mut left = Vec::new();
    let leave = |d: &Diagnostic, reason: String, left: &mut Vec<Left>| {
        let f = files.get(d.file());
        left.push(Left {
            path: f.path.clone(),
            line: f.line_of(d.primary.location.span.start) + 1,
            rule: d.rule.to_string(),
            reason,
        });
    };
    if reported.is_empty() {
        return Ok(Plan::default());
    }
    let schemas = Schemas::new()?;
    let before = Check::run(&names, &texts, &schemas, run);
    // Files whose comments catalint cannot place: not parsed to the end, or not read.
    let mut broken: HashMap<usize, &'static str> = HashMap::new();
    // The run's own findings count too: a file not read as UTF-8 is held here as a lossy
    // copy, which parses.
    for d in before.diagnostics.iter().chain(reported) {
        let why = match d.rule.as_ref() {
            ids::YAML_SYNTAX => {
                "the file does not parse, so where its comments are is unknown: fix the syntax first"
            }
            ids::YAML_LIMIT | ids::UNREADABLE_FILE => {
                "catalint did not read the file whole (it is not UTF-8, too large, or cut by a limit), so it writes nothing to it"
            }
            _ => continue,
        };
        broken.entry(d.file().0 as usize).or_insert(why);
    }

    // The findings to comment, by file and line.
    let mut targets: HashMap<usize, HashMap<usize, Vec<&Diagnostic>>> = HashMap::new();
    for d in reported {
        let file = d.file().0 as usize;
        if matches!(
            d.rule.as_ref(),
            "unused-suppression" | "invalid-suppression"
        ) {
            leave(
                d,
                "a finding about a suppression comment cannot be suppressed: fix the comment (`--fix` removes an unused one)".into(),
                &mut left,
            );
        } else if !focus.is_none_or(|f| f.get(file).copied().unwrap_or(false)) {
            leave(
                d,
                "its file is not among the files reported on".into(),
                &mut left,
            );
        } else if let Some(why) = broken.get(&file) {
            leave(d, (*why).to_owned(), &mut left);
        } else {
            let line = files.get(d.file()).line_of(d.primary.location.span.start);
            targets
                .entry(file)
                .or_default()
                .entry(line)
                .or_default()
                .push(d);
        }
    }

    // Each file's comments, as edits.
    let mut planned: Vec<(usize, Vec<Edit>, Vec<&Diagnostic>, usize)> = Vec::new();
    let mut order: Vec<usize> = targets.keys().copied().collect();
    order.sort_unstable();
    for file in order {
        let source = files.get(crate::source::FileId(file as u32));
        let mut lines: Vec<(usize, Vec<&Diagnostic>)> = targets
            .remove(&file)
            .unwrap_or_default()
            .into_iter()
            .collect();
        lines.sort_unstable_by_key(|(l, _)| *l);
        let layout = Layout::of(source);
        let mut edits = Vec::new();
        let mut covered = Vec::new();
        let mut comments = 0;
        for (line, found) in lines {
            let rules: BTreeSet<&str> = found.iter().map(|d| d.rule.as_ref()).collect();
            match layout.comment_for(source, line, &rules) {
                Ok(edit) => {
                    edits.extend(edit);
                    comments += 1;
                    covered.extend(found);
                }
                Err(reason) => {
                    for d in found {
                        leave(d, reason.clone(), &mut left);
                    }
                }
            }
        }
        if comments > 0 {
            planned.push((file, edits, covered, comments));
        }
    }

    // Checked before kept.
    let mut after = texts.clone();
    for (file, edits, ..) in &planned {
        after[*file] = crate::edit::apply_edits(&texts[*file], edits.iter());
    }
    let edits: Edits<'_> = planned
        .iter()
        .map(|(file, e, ..)| (*file, e.iter().collect()))
        .collect();
    let checked = Check::run(&names, &after, &schemas, run);
    let mut failed: HashMap<usize, String> = HashMap::new();
    for d in checked.new_since(&before, &edits) {
        failed.entry(d.file().0 as usize).or_insert_with(|| {
            format!("a comment would add a finding ({}: {})", d.rule, d.message)
        });
    }
    let still = still_found(&checked, &planned, &edits);
    for (file, d) in still {
        failed
            .entry(file)
            .or_insert_with(|| format!("a comment would not suppress `{}`", d.rule));
    }
    for (file, ..) in &planned {
        if !failed.contains_key(file) && !same_values(&texts[*file], &after[*file], run) {
            failed.insert(*file, "a comment would change what the file says".into());
        }
    }

    let mut changes = Vec::new();
    for (file, _, covered, comments) in planned {
        match failed.get(&file) {
            Some(reason) => {
                for d in covered {
                    leave(
                        d,
                        format!("{reason}; the file was left as it was"),
                        &mut left,
                    );
                }
            }
            None => changes.push(Change {
                path: names[file].clone(),
                before: texts[file].clone(),
                after: std::mem::take(&mut after[file]),
                comments,
                findings: covered.len(),
            }),
        }
    }
    changes.sort_by(|a, b| a.path.cmp(&b.path));
    left.sort_by(|a, b| (&a.path, a.line, &a.rule).cmp(&(&b.path, b.line, &b.rule)));
    Ok(Plan { changes, left })
}

/// The commented findings that the check of the new texts still reports, by file.
fn still_found<'d>(
    checked: &Check,
    planned: &[(usize, Vec<Edit>, Vec<&'d Diagnostic>, usize)],
    edits: &Edits<'_>,
) -> Vec<(usize, &'d Diagnostic)> {
    let now: HashSet<(usize, &str, &str, Range<usize>)> = checked
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.file().0 as usize,
                d.rule.as_ref(),
                d.message.as_str(),
                d.primary.location.span.clone(),
            )
        })
        .collect();
    let mut out = Vec::new();
    for (file, _, covered, _) in planned {
        let Some(e) = edits.get(file) else { continue };
        let shifts = Shifts::new(e);
        for &d in covered {
            let moved = shifts.moved(&d.primary.location.span);
            if moved.is_some_and(|span| {
                now.contains(&(*file, d.rule.as_ref(), d.message.as_str(), span))
            }) {
                out.push((*file, d));
            }
        }
    }
    out
}

/// Whether both texts load to the same documents, value for value.
fn same_values(before: &str, after: &str, run: &Run<'_>) -> bool {
    let id = crate::source::FileId(0);
    let a = crate::load::load(id, before, &run.limits.load);
    let b = crate::load::load(id, after, &run.limits.load);
    a.diagnostics.len() == b.diagnostics.len()
        && a.documents.len() == b.documents.len()
        && a.documents
            .iter()
            .zip(&b.documents)
            .all(|(x, y)| x.value.root() == y.value.root())
}

/// What a file's lines are, for placing comments.
struct Layout {
    /// Per line: only blanks or a YAML comment.
    quiet: Vec<bool>,
    /// Per line: inside a string or flow collection that began on an earlier line (what,
    /// and the 0-based lines it spans).
    inside: Vec<Option<(&'static str, usize, usize)>>,
}

impl Layout {
    fn of(source: &SourceFile) -> Layout {
        let scalars = Scalars::of(&source.text);
        let quiet = comment_or_blank_lines(source, &scalars);
        let mut inside = vec![None; source.line_count()];
        for (what, span) in multi_line_nodes(&source.text) {
            let first = match what {
                BLOCK => header_line(source, span.start),
                _ => source.line_of(span.start),
            };
            let last = source.line_of(span.end.saturating_sub(1).max(span.start));
            for slot in inside.iter_mut().take(last + 1).skip(first + 1) {
                // The outermost node names the place: it is the one a person sees.
                if slot.is_none_or(|(_, f, l)| l - f < last - first) {
                    *slot = Some((what, first, last));
                }
            }
        }
        Layout { quiet, inside }
    }

    /// The edits that put `rules` in a comment above `line`, or why they cannot.
    fn comment_for(
        &self,
        source: &SourceFile,
        line: usize,
        rules: &BTreeSet<&str>,
    ) -> Result<Vec<Edit>, String> {
        let text: &str = &source.text;
        if self.quiet.get(line).copied().unwrap_or(true) {
            return Err(format!(
                "line {} holds no YAML for a comment to precede (it is blank or a comment)",
                line + 1
            ));
        }
        if let Some(Some((what, first, last))) = self.inside.get(line) {
            return Err(format!(
                "line {} is inside {what} written over lines {}-{}: {}",
                line + 1,
                first + 1,
                last + 1,
                if *what == FLOW {
                    "catalint writes no comment inside one (write it on one line, or in block style, and run again)"
                } else {
                    "a comment there would change its text"
                }
            ));
        }
        let ids = rules.iter().copied().collect::<Vec<_>>().join(", ");
        // A `disable-next-line` comment right above: the rules join its list.
        if line > 0 && self.quiet[line - 1] {
            let (start, end) = (source.line_start(line - 1), source.line_end(line - 1));
            if let Some(edits) = extend(text, start..end, &ids) {
                return Ok(edits);
            }
        }
        let start = source.line_start(line);
        let content = &text[start..source.line_end(line)];
        let indent = &content[..content.len() - content.trim_start_matches([' ', '\t']).len()];
        // After a byte order mark, which stays the file's first bytes.
        let at = if line == 0 && text.starts_with('\u{feff}') {
            '\u{feff}'.len_utf8()
        } else {
            start
        };
        Ok(vec![Edit::replace(
            at..at,
            format!(
                "{indent}# {NEXT_LINE} {ids} -- TODO{}",
                line_break(source, line)
            ),
        )])
    }
}

const BLOCK: &str = "a block string";
const FLOW: &str = "a flow collection";

/// The rules `ids` added to the `disable-next-line` comment at `line` of `text`, if it is
/// one: after its last rule id, with a `TODO` for them at the end of its reason (or as
/// its reason). Insertions only: every byte of the comment stays.
fn extend(text: &str, line: Range<usize>, ids: &str) -> Option<Vec<Edit>> {
    let content = text.get(line.clone())?;
    let body = content.trim_start().strip_prefix('#')?.trim_start();
    let rest = body.strip_prefix(NEXT_LINE)?;
    if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
        return None;
    }
    let rest_at = line.end - rest.len();
    let (list, reason) = match rest.split_once("--") {
        Some((l, r)) => (l, Some(r)),
        None => (rest, None),
    };
    if list.trim().is_empty() {
        return None; // names no rule: an `invalid-suppression`, not a list to extend
    }
    let list_end = rest_at + list.trim_end().len();
    Some(match reason {
        Some(_) => {
            let reason_end = line.start + content.trim_end().len();
            vec![
                Edit::replace(list_end..list_end, format!(", {ids}")),
                Edit::replace(reason_end..reason_end, format!("; {ids}: TODO")),
            ]
        }
        None => vec![Edit::replace(
            list_end..list_end,
            format!(", {ids} -- TODO"),
        )],
    })
}

/// The line break a new line before `line` ends with: the file's own (that of `line`, or
/// of the line before when `line` is the last without one).
fn line_break(source: &SourceFile, line: usize) -> &str {
    let text: &str = &source.text;
    let of = |l: usize| &text[source.line_end(l)..source.line_start(l + 1).max(source.line_end(l))];
    let own = of(line);
    if !own.is_empty() {
        return own;
    }
    match line.checked_sub(1).map(of) {
        Some(b) if !b.is_empty() => b,
        _ => "\n",
    }
}

/// The line of a block string's `|` or `>`: the last line before its text that holds
/// anything but blanks (its first lines of text may be blank).
fn header_line(source: &SourceFile, text_start: usize) -> usize {
    let mut line = source.line_of(text_start);
    while line > 0 {
        line -= 1;
        let (s, e) = (source.line_start(line), source.line_end(line));
        if !source.text[s..e].trim().is_empty() {
            return line;
        }
    }
    0
}

/// Strings and flow collections written over more than one line, with their byte ranges.
fn multi_line_nodes(text: &str) -> Vec<(&'static str, Range<usize>)> {
    let (body, base) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, text.len() - rest.len()),
        None => (text, 0),
    };
    let mut bytes = crate::load::Offsets::new(body, base);
    let multi = |r: &Range<usize>| {
        text.get(r.clone())
            .is_some_and(|s| s.contains(['\n', '\r']))
    };
    let mut out = Vec::new();
    // Open collections: where each starts.
    let mut open: Vec<usize> = Vec::new();
    let mut parser = Parser::new_from_str(body);
    while let Some(Ok((event, span))) = parser.next_event() {
        let start = bytes.byte(span.start.index());
        let end = bytes.byte(span.end.index());
        match event {
            Event::Scalar(_, style, ..) => {
                let what = match style {
                    ScalarStyle::Literal | ScalarStyle::Folded => BLOCK,
                    _ => "a string",
                };
                if start < end && (what == BLOCK || multi(&(start..end))) {
                    out.push((what, start..end));
                }
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => open.push(start),
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(opened) = open.pop() else { continue };
                // Flow collections end at their bracket; block ones need no care (a line
                // of their own is a place a comment can go).
                if text.get(start..).is_some_and(|s| s.starts_with([']', '}'])) {
                    let range = opened..start + 1;
                    if multi(&range) {
                        out.push((FLOW, range));
                    }
                }
            }
            Event::StreamEnd => break,
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests;
