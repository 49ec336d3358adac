//! `catalint diff --format github`: workflow commands that annotate the changed lines of a
//! pull request (weakened changes as warnings, others as notices, new findings at their
//! severity), escaped as `check`'s github format escapes them. A place that only BASE has
//! (a removal) is not a line of the pull request's files: its annotation names no file.

use std::io::{self, Write};

use super::summary_line;
use crate::diff::{Class, Diff, Place, Which};
use crate::report::github::{escape_data, escape_property};
use crate::report::text::neutralise;

fn location(p: &Option<Place>) -> String {
    match p {
        Some(p) if p.side == Which::Head => format!(
            "file={},line={},col={},endLine={},endColumn={},",
            escape_property(&neutralise(&p.file)),
            p.line,
            p.column,
            p.end_line,
            p.end_column
        ),
        _ => String::new(),
    }
}

pub fn write(diff: &Diff, out: &mut dyn Write) -> io::Result<()> {
    for e in &diff.entities {
        for c in &e.changes {
            let command = match c.class {
                Class::Weakened => "warning",
                _ => "notice",
            };
            let value = match (&c.before, &c.after) {
                (Some(b), Some(a)) => format!(": {b} → {a}"),
                (None, Some(a)) => format!(": now {a}"),
                (Some(b), None) => format!(": was {b}"),
                (None, None) => String::new(),
            };
            let mut message = format!("{} {}: {}{value}", e.kind, e.id, c.field);
            if let Some(d) = &c.detail {
                message.push_str(&format!(" ({d})"));
            }
            if let Some(p) = c.place.as_ref().filter(|p| p.side == Which::Base) {
                message.push_str(&format!(" [base {}:{}]", p.file, p.line));
            }
            let review = if c.review { ", needs review" } else { "" };
            writeln!(
                out,
                "::{command} {}title={}::{}",
                location(&c.place),
                escape_property(&format!(
                    "catalint diff: {} {}{review}",
                    c.class.as_str(),
                    c.kind.id()
                )),
                escape_data(&neutralise(&message)),
            )?;
        }
    }
    for f in &diff.new_findings {
        writeln!(
            out,
            "::{} {}title={}::{}",
            f.severity.as_str(),
            location(&Some(f.place.clone())),
            escape_property(&format!("catalint {} (new)", f.rule)),
            escape_data(&neutralise(&f.message)),
        )?;
    }
    writeln!(out, "{}", summary_line(diff))
}
