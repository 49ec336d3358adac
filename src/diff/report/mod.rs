//! Reporters of `catalint diff`: what a change does to the catalogue's promises, for a
//! terminal (`human`), a pull-request comment or `$GITHUB_STEP_SUMMARY` (`markdown`),
//! scripts (`json`, a versioned shape) and GitHub annotations (`github`). All four read the
//! same [`Diff`]; text that came from YAML is escaped for each.

mod github;
mod human;
mod json;
mod markdown;

use std::io::{self, Write};

use crate::diff::{Diff, Place};

pub use human::HumanDiff;
pub use json::VERSION as JSON_VERSION;

/// Output formats of `catalint diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// For people at a terminal (the default).
    Human,
    /// A pull-request comment or the GitHub step summary.
    Markdown,
    /// The versioned JSON shape (see the book, "Reviewing changes").
    Json,
    /// GitHub Actions annotations on the changed lines.
    Github,
}

/// Writes `diff` in `format`. `human` is used for the human format.
pub fn write(
    diff: &Diff,
    format: DiffFormat,
    human: &HumanDiff,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        DiffFormat::Human => human.write(diff, out),
        DiffFormat::Markdown => markdown::write(diff, out),
        DiffFormat::Json => json::write(diff, out),
        DiffFormat::Github => github::write(diff, out),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One line: what changed, by class, and the findings.
pub fn summary_line(diff: &Diff) -> String {
    let c = diff.counts();
    let mut parts = Vec::new();
    if diff.entities.is_empty() {
        parts.push("no entity changed".to_owned());
    } else {
        let mut classes = Vec::new();
        for (n, word) in [
            (c.weakened, "weakened"),
            (c.strengthened, "strengthened"),
            (c.changed, "changed"),
        ] {
            if n > 0 {
                classes.push(format!("{n} {word}"));
            }
        }
        parts.push(format!(
            "{} changed ({})",
            plural(diff.entities.len(), "entity", "entities"),
            classes.join(", ")
        ));
    }
    if c.review > 0 {
        parts.push(format!(
            "{} to review",
            plural(c.review, "change", "changes")
        ));
    }
    parts.push(format!(
        "{}, {} fixed",
        plural(diff.new_findings.len(), "new finding", "new findings"),
        diff.fixed_findings.len()
    ));
    if !diff.collisions.is_empty() {
        parts.push(plural(
            diff.collisions.len(),
            "colliding id",
            "colliding ids",
        ));
    }
    if !diff.unreadable.is_empty() {
        parts.push(plural(
            diff.unreadable.len(),
            "unreadable file",
            "unreadable files",
        ));
    }
    parts.join("; ")
}

/// `file:line:col`, with the side when it is BASE's.
fn place_text(p: &Place) -> String {
    let side = match p.side {
        crate::diff::Which::Base => " (base)",
        crate::diff::Which::Head => "",
    };
    format!("{}:{}:{}{side}", p.file, p.line, p.column)
}
