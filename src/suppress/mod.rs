//! Stage 6: suppression comments, between the rules and the reporters.
//!
//! ```yaml
//! # catalint-disable-next-line agreement-type, sla-defined -- reviewed with the owner, 2026-05
//! # catalint-disable-file unique-id -- ids migrate in Q3
//! ```
//!
//! A comment counts when it is the first thing on its line and is a YAML comment: the
//! same words inside a quoted or block scalar (a `description`) are text and silence
//! nothing. The file is parsed again to know where its scalars are; after a syntax error,
//! where the parser stops, no comment is read. `disable-next-line` covers findings on the
//! next line that is not blank or a comment; `disable-file` covers the whole file. A suppression that covers nothing is an `unused-suppression` warning; one
//! that names an unknown rule is an `invalid-suppression` error.

use std::collections::HashMap;
use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle};

use crate::diagnostic::{Diagnostic, Label};
use crate::policy::Policy;
use crate::rules::{self, invalid_suppression, unused_suppression};
use crate::source::{FileId, Files, Location, SourceFile};

mod remove;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

pub(crate) const NEXT_LINE: &str = "catalint-disable-next-line";
const WHOLE_FILE: &str = "catalint-disable-file";

/// Byte ranges of a file's quoted and block scalars, in order, and where the parser
/// stopped (the end of the file, or a syntax error). A `#` first on its line inside a
/// plain scalar cannot happen: YAML ends a plain scalar there.
pub(crate) struct Scalars {
    spans: Vec<Range<usize>>,
    read_to: usize,
}

impl Scalars {
    pub(crate) fn of(text: &str) -> Scalars {
        let (body, base) = match text.strip_prefix('\u{feff}') {
            Some(rest) => (rest, text.len() - rest.len()),
            None => (text, 0),
        };
        let mut bytes = crate::load::Offsets::new(body, base);
        let mut spans = Vec::new();
        let mut parser = Parser::new_from_str(body);
        let read_to = loop {
            match parser.next_event() {
                None => break text.len(),
                Some(Ok((Event::Scalar(_, style, ..), span))) if style != ScalarStyle::Plain => {
                    let start = bytes.byte(span.start.index());
                    let end = bytes.byte(span.end.index());
                    spans.push(start..end);
                }
                Some(Ok((Event::StreamEnd, _))) => break text.len(),
                Some(Ok(_)) => {}
                Some(Err(e)) => break bytes.byte(e.marker().index()),
            }
        };
        Scalars { spans, read_to }
    }

    /// Whether a `#` at byte `at` starts a YAML comment. `cursor` walks the spans forward:
    /// callers ask in increasing order, so a file costs one pass.
    fn is_comment(&self, at: usize, cursor: &mut usize) -> bool {
        if at >= self.read_to {
            return false;
        }
        while *cursor < self.spans.len() && self.spans[*cursor].end <= at {
            *cursor += 1;
        }
        self.spans
            .get(*cursor)
            // A block scalar's span starts at its first character of text.
            .is_none_or(|s| !(s.start <= at && at < s.end))
    }
}

/// Where the text of a 0-based line starts: after a byte order mark on the first line, so
/// that a comment on it is read as on any other line.
fn text_start(source: &SourceFile, line: usize) -> usize {
    let start = source.line_start(line);
    match line == 0 && source.text.starts_with('\u{feff}') {
        true => start + '\u{feff}'.len_utf8(),
        false => start,
    }
}

/// Per line of a file: whether it holds only blanks or a YAML comment.
pub(crate) fn comment_or_blank_lines(source: &SourceFile, scalars: &Scalars) -> Vec<bool> {
    let mut cursor = 0;
    (0..source.line_count())
        .map(|line| {
            let (start, end) = (text_start(source, line), source.line_end(line));
            let content = &source.text[start..end];
            let trimmed = content.trim_start();
            let at = start + (content.len() - trimmed.len());
            trimmed.is_empty() || (trimmed.starts_with('#') && scalars.is_comment(at, &mut cursor))
        })
        .collect()
}

/// Finds the suppression comments of one file; malformed ones become findings.
fn scan(
    file: FileId,
    source: &SourceFile,
    policy: &Policy,
    out: &mut Vec<Diagnostic>,
) -> Vec<Entry> {
    let text = &source.text;
    let scalars = Scalars::of(text);
    let quiet = comment_or_blank_lines(source, &scalars);
    // The line each line's `disable-next-line` covers, filled backwards in one pass.
    let mut next_code = vec![source.line_count(); source.line_count()];
    for line in (0..source.line_count().saturating_sub(1)).rev() {
        next_code[line] = if quiet[line + 1] {
            next_code[line + 1]
        } else {
            line + 1
        };
    }
    let mut entries = Vec::new();
    let mut cursor = 0;
    for (line, &covered) in next_code.iter().enumerate() {
        let (start, end) = (text_start(source, line), source.line_end(line));
        let content = &text[start..end];
        let trimmed = content.trim_start();
        let Some(comment) = trimmed.strip_prefix('#') else {
            continue;
        };
        let comment_at = start + (content.len() - trimmed.len());
        if !scalars.is_comment(comment_at, &mut cursor) {
            continue; // the words are text of a scalar
        }
        let body = comment.trim_start();
        let (scope, rest) = if let Some(r) = body.strip_prefix(NEXT_LINE) {
            (Scope::Line(covered), r)
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
                let help = match policy.nearest_rule(id) {
                    Some(n) => format!("did you mean `{n}`?"),
                    None => "`catalint rules` lists them".to_owned(),
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
        if source.has_marker() {
            entries.extend(scan(id, source, policy, &mut extra));
        }
    }
    if entries.is_empty() {
        let mut all = diagnostics;
        all.extend(extra);
        return all;
    }
    // Indexed by file, rule and line: each finding looks up its two possible suppressions.
    let mut by_place: HashMap<(FileId, &str, Scope), Vec<usize>> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        by_place
            .entry((e.file, &e.rule, e.scope))
            .or_default()
            .push(i);
    }
    let mut used = vec![false; entries.len()];
    let mut kept = Vec::with_capacity(diagnostics.len());
    for d in diagnostics {
        let file = d.file();
        let line = files.get(file).line_of(d.primary.location.span.start);
        let mut suppressed = false;
        for scope in [Scope::File, Scope::Line(line)] {
            if let Some(hits) = by_place.get(&(file, &*d.rule, scope)) {
                for &i in hits {
                    used[i] = true;
                }
                suppressed = true;
            }
        }
        if !suppressed {
            kept.push(d);
        }
    }
    drop(by_place);
    for (e, used) in entries.iter_mut().zip(used) {
        e.used = used;
    }
    let unused: Vec<&Entry> = entries
        .iter()
        .filter(|e| !e.used && active(&e.rule))
        .collect();
    // The unused suppressions of each comment line, so that a fix removing one rule id knows
    // whether the whole comment goes (grouped once: linear in the suppressions).
    let mut by_line: HashMap<(FileId, usize), Vec<Range<usize>>> = HashMap::new();
    for e in &unused {
        let line = files.get(e.file).line_of(e.span.start);
        by_line
            .entry((e.file, line))
            .or_default()
            .push(e.span.clone());
    }
    for e in &unused {
        let source = files.get(e.file);
        let line = source.line_of(e.span.start);
        let others = by_line.get(&(e.file, line)).map_or(&[][..], Vec::as_slice);
        let fix = remove::remove(source, &e.span, &e.rule, others);
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

#[cfg(test)]
mod tests {
    use crate::engine::check_texts;
    use crate::policy::Policy;
    use crate::schema::Schemas;

    const TEAM: &str = "apiVersion: catalogue/v1\nkind: Team\nmetadata: {id: ops, name: Ops}\nspec: {email: ops@example.org, chat: \"#ops\", manager: m@example.org}\n";

    /// A service whose owner is a team's mailbox (an `individual-owner` finding), with
    /// `description` written as given (indented under `metadata`), then `tail`.
    fn rules_of(description: &str, tail: &str) -> Vec<String> {
        rules_after("", description, tail)
    }

    /// [`rules_of`], with `head` before the service's first line.
    fn rules_after(head: &str, description: &str, tail: &str) -> Vec<String> {
        let service = format!(
            "{head}apiVersion: catalogue/v1\nkind: Service\nmetadata:\n  id: svc\n  name: Svc\n  description: {description}\n{tail}spec:\n  category: infrastructure\n  facing: supporting\n  lifecycle: live\n  criticality: 3\n  owner: {{team: ops, serviceOwner: ops@example.org}}\n  hours: {{service: 24x7, support: 24x7}}\n  serviceLevels:\n    agreement: OLA\n    availability: {{target: 99.9, measuredDuring: 24x7}}\n"
        );
        let schemas = Schemas::new().unwrap();
        let policy = Policy::builtin().unwrap();
        let (_, diagnostics) = check_texts(
            &[("teams.yaml", TEAM), ("svc.yaml", &service)],
            &schemas,
            &policy,
        );
        diagnostics.iter().map(|d| d.rule.to_string()).collect()
    }

    const WORDS: &str = "# catalint-disable-file individual-owner";

    #[test]
    fn a_real_comment_suppresses() {
        assert!(rules_of("plain", "").contains(&"individual-owner".to_owned()));
        let rules = rules_of("plain", &format!("{WORDS} -- shared mailbox, agreed\n"));
        assert!(!rules.contains(&"individual-owner".to_owned()), "{rules:?}");
        // A comment line less indented than a block scalar's text ends the scalar.
        let rules = rules_of("|\n    text\n", &format!("{WORDS}\n"));
        assert!(!rules.contains(&"individual-owner".to_owned()), "{rules:?}");
        let rules = rules_of("|\n    text\n", &format!(" {WORDS}\n"));
        assert!(!rules.contains(&"individual-owner".to_owned()), "{rules:?}");
    }

    #[test]
    fn a_comment_on_the_first_line_after_a_byte_order_mark_suppresses() {
        let rules = rules_after(&format!("\u{feff}{WORDS}\n"), "plain", "");
        assert!(!rules.contains(&"individual-owner".to_owned()), "{rules:?}");
    }

    #[test]
    fn the_same_words_inside_a_scalar_suppress_nothing() {
        let cases = [
            // Quoted over several lines: the line is text of the scalar.
            format!("'first line\n    {WORDS}\n    last'"),
            format!("\"first line\n    {WORDS}\n    last\""),
            format!("'\n    {WORDS}'"),
            // Block scalars, every chomping and an explicit indentation.
            format!("|\n    first line\n    {WORDS}\n    last"),
            format!(">\n    first line\n    {WORDS}\n"),
            format!("|-\n    {WORDS}\n"),
            format!("|+\n    {WORDS}\n\n"),
            format!(">2\n     {WORDS}\n"),
            format!("|\n    {WORDS}"),
            // In a flow collection, and as a key.
            format!("['a\n    {WORDS}', b]"),
            format!("{{\"k\n    {WORDS}\": v}}"),
            // Plain text cannot hold a `#` after a space: these words are text, not first
            // on their line.
            format!("see#{}", &WORDS[1..]),
        ];
        for description in &cases {
            let rules = rules_of(description, "");
            assert!(
                rules.contains(&"individual-owner".to_owned()),
                "silenced by text in {description:?}: {rules:?}"
            );
            assert!(
                !rules.iter().any(|r| r.ends_with("-suppression")),
                "text read as a suppression in {description:?}: {rules:?}"
            );
        }
    }

    #[test]
    fn next_line_skips_comments_but_not_scalar_text() {
        // The line after the comment is the text of a block scalar: `disable-next-line`
        // covers it (the scalar's line), not a later line.
        let tail = "  # catalint-disable-next-line individual-owner\n  # another comment\n";
        let rules = rules_of("plain", tail);
        // `individual-owner` is reported on `spec.owner.serviceOwner`, far below.
        assert!(rules.contains(&"individual-owner".to_owned()), "{rules:?}");
        assert!(
            rules.contains(&"unused-suppression".to_owned()),
            "{rules:?}"
        );
    }
}
