//! `catalint diff` for a terminal: one block per entity, weakest change first, each change
//! with its before and after, its place and what follows from it, wrapped to the width.

use std::io::{self, Write};

use super::{place_text, plural, summary_line};
use crate::diff::{Class, Diff, Which};
use crate::report::text::neutralise;

pub struct HumanDiff {
    pub color: bool,
    pub width: usize,
}

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

fn marker(class: Class) -> &'static str {
    match class {
        Class::Weakened => "▼",
        Class::Strengthened => "▲",
        Class::Changed => "•",
    }
}

/// Words wrapped to `width`, each line after the first indented by `indent`.
fn wrap(text: &str, first: usize, indent: usize, width: usize) -> String {
    let mut out = String::new();
    let mut col = first;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let len = word.chars().count();
        if col > indent && col + 1 + len > width {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            col = indent;
        } else if !out.is_empty() {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += len;
    }
    out
}

impl HumanDiff {
    fn paint(&self, code: &str, s: &str) -> String {
        match self.color {
            true => format!("{code}{s}{RESET}"),
            false => s.to_owned(),
        }
    }

    fn class(&self, class: Class) -> String {
        let code = match class {
            Class::Weakened => RED,
            Class::Strengthened => GREEN,
            Class::Changed => YELLOW,
        };
        self.paint(code, &format!("{} {:<12}", marker(class), class.as_str()))
    }

    pub fn write(&self, diff: &Diff, out: &mut dyn Write) -> io::Result<()> {
        let t = |s: &str| neutralise(s).into_owned();
        writeln!(
            out,
            "{}",
            self.paint(
                BOLD,
                &format!(
                    "catalint diff {} → {}",
                    t(&diff.base.label),
                    t(&diff.head.label)
                )
            )
        )?;
        for e in &diff.entities {
            writeln!(out)?;
            let name = e
                .name
                .as_deref()
                .map(|n| format!(" ({})", t(n)))
                .unwrap_or_default();
            writeln!(
                out,
                "{}",
                self.paint(BOLD, &format!("{} {}{name}", e.kind, t(&e.id)))
            )?;
            for c in &e.changes {
                let value = match (&c.before, &c.after) {
                    (Some(b), Some(a)) => format!("{} → {}", t(b), t(a)),
                    (None, Some(a)) => format!("now {}", t(a)),
                    (Some(b), None) => format!("was {}", t(b)),
                    (None, None) => String::new(),
                };
                let review = if c.review { " [needs review]" } else { "" };
                let head = format!("{}: {value}{review}", t(&c.field));
                // "  ▼ weakened     " is 17 columns.
                writeln!(
                    out,
                    "  {} {}",
                    self.class(c.class),
                    wrap(&head, 17, 17, self.width)
                )?;
                let mut more = Vec::new();
                if let Some(d) = &c.detail {
                    more.push(t(d));
                }
                if let Some(p) = &c.place {
                    more.push(format!("{} at {}", c.kind.id(), t(&place_text(p))));
                }
                for m in more {
                    writeln!(
                        out,
                        "{}{}",
                        " ".repeat(17),
                        self.paint(DIM, &wrap(&m, 17, 17, self.width))
                    )?;
                }
            }
        }
        for (title, list) in [
            ("new findings", &diff.new_findings),
            ("fixed findings", &diff.fixed_findings),
        ] {
            if list.is_empty() {
                continue;
            }
            writeln!(out)?;
            writeln!(
                out,
                "{}",
                self.paint(BOLD, &format!("{title} ({})", list.len()))
            )?;
            for f in list {
                let line = format!(
                    "{}[{}] {} {}",
                    f.severity.as_str(),
                    f.rule,
                    t(&place_text(&f.place)),
                    t(&f.message)
                );
                writeln!(out, "  {}", wrap(&line, 2, 4, self.width))?;
            }
        }
        for c in &diff.collisions {
            writeln!(out)?;
            let side = side_name(c.side);
            let places: Vec<String> = c.places.iter().map(|p| t(&place_text(p))).collect();
            let line = format!(
                "{side}: `{}` names {} entities, so it is compared on neither side: {}",
                t(&c.key),
                c.places.len(),
                places.join(", ")
            );
            writeln!(out, "{}", wrap(&line, 0, 2, self.width))?;
        }
        for u in &diff.unreadable {
            writeln!(out)?;
            let mut line = format!(
                "{}: {} could not be read ({})",
                side_name(u.side),
                t(&u.file),
                t(&u.reason)
            );
            if !u.entities.is_empty() {
                line.push_str(&format!(
                    "; not compared there: {}",
                    u.entities
                        .iter()
                        .map(|e| t(e))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            writeln!(out, "{}", wrap(&line, 0, 2, self.width))?;
        }
        writeln!(out)?;
        writeln!(
            out,
            "{} (base {}, {}; head {}, {})",
            summary_line(diff),
            plural(diff.base.files, "file", "files"),
            plural(diff.base.entities, "entity", "entities"),
            plural(diff.head.files, "file", "files"),
            plural(diff.head.entities, "entity", "entities"),
        )
    }
}

fn side_name(w: Which) -> &'static str {
    match w {
        Which::Base => "base",
        Which::Head => "head",
    }
}
