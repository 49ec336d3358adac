//! `catalint diff --format markdown`: for a pull-request comment or `$GITHUB_STEP_SUMMARY`.
//! A summary line, then one section per entity with a before/after table; past
//! [`SHOWN`] entities, the rest in a collapsed `<details>`. Every string that came from a
//! YAML file (ids, names, values, file names, messages) goes through [`escape`], so a value
//! can neither break a table nor inject HTML, a link, an image or an @-mention.

use std::io::{self, Write};

use super::summary_line;
use crate::diff::{Class, Diff, EntityChanges, Place, Which};

/// Entities shown before the rest are folded away.
pub const SHOWN: usize = 20;

/// Markdown-safe text: HTML's special characters as entities, Markdown's punctuation
/// backslash-escaped, line breaks and other control characters as spaces.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '@' => out.push_str("&#64;"),
            // What could start emphasis, code, a link or an issue reference, or end a cell.
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
                out.push(' ')
            }
            c => out.push(c),
        }
    }
    out
}

fn badge(class: Class) -> &'static str {
    match class {
        Class::Weakened => "🔻 **weakened**",
        Class::Strengthened => "🔺 strengthened",
        Class::Changed => "✏️ changed",
    }
}

fn place(p: &Option<Place>) -> String {
    match p {
        Some(p) => {
            let side = if p.side == Which::Base { " (base)" } else { "" };
            format!("{}:{}{side}", escape(&p.file), p.line)
        }
        None => String::new(),
    }
}

fn section(e: &EntityChanges, out: &mut dyn Write) -> io::Result<()> {
    let name = e
        .name
        .as_deref()
        .map(|n| format!(" — {}", escape(n)))
        .unwrap_or_default();
    writeln!(
        out,
        "### {} {} {}{name}",
        badge(e.class()),
        escape(&e.kind),
        escape(&e.id)
    )?;
    writeln!(out)?;
    writeln!(out, "| change | what | before | after | where |")?;
    writeln!(out, "| --- | --- | --- | --- | --- |")?;
    for c in &e.changes {
        let review = if c.review { " 👀 needs review" } else { "" };
        let mut what = escape(&c.field);
        if let Some(d) = &c.detail {
            what.push_str(&format!("<br>{}", escape(d)));
        }
        writeln!(
            out,
            "| {} {}{review} | {what} | {} | {} | {} |",
            badge(c.class),
            escape(c.kind.id()),
            c.before.as_deref().map(escape).unwrap_or_default(),
            c.after.as_deref().map(escape).unwrap_or_default(),
            place(&c.place),
        )?;
    }
    writeln!(out)
}

pub fn write(diff: &Diff, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "## catalint diff: {} → {}",
        escape(&diff.base.label),
        escape(&diff.head.label)
    )?;
    writeln!(out)?;
    writeln!(out, "**{}**", escape(&summary_line(diff)))?;
    writeln!(out)?;
    for e in diff.entities.iter().take(SHOWN) {
        section(e, out)?;
    }
    if diff.entities.len() > SHOWN {
        writeln!(
            out,
            "<details><summary>{} more entities</summary>",
            diff.entities.len() - SHOWN
        )?;
        writeln!(out)?;
        for e in diff.entities.iter().skip(SHOWN) {
            section(e, out)?;
        }
        writeln!(out, "</details>")?;
        writeln!(out)?;
    }
    for (title, list) in [
        ("New findings", &diff.new_findings),
        ("Fixed findings", &diff.fixed_findings),
    ] {
        if list.is_empty() {
            continue;
        }
        writeln!(out, "### {title} ({})", list.len())?;
        writeln!(out)?;
        writeln!(out, "| rule | severity | message | where |")?;
        writeln!(out, "| --- | --- | --- | --- |")?;
        for f in list {
            writeln!(
                out,
                "| {} | {} | {} | {} |",
                escape(&f.rule),
                f.severity.as_str(),
                escape(&f.message),
                place(&Some(f.place.clone()))
            )?;
        }
        writeln!(out)?;
    }
    if !diff.collisions.is_empty() || !diff.unreadable.is_empty() {
        writeln!(out, "### Not compared")?;
        writeln!(out)?;
        for c in &diff.collisions {
            let places: Vec<String> = c.places.iter().map(|p| place(&Some(p.clone()))).collect();
            writeln!(
                out,
                "- {}: {} names {} entities ({})",
                c.side.as_str(),
                escape(&c.key),
                c.places.len(),
                places.join(", ")
            )?;
        }
        for u in &diff.unreadable {
            let entities = match u.entities.is_empty() {
                true => String::new(),
                false => format!(
                    "; its entities are not compared: {}",
                    u.entities
                        .iter()
                        .map(|e| escape(e))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            writeln!(
                out,
                "- {}: {} could not be read ({}){entities}",
                u.side.as_str(),
                escape(&u.file),
                escape(&u.reason)
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn yaml_text_cannot_break_out() {
        let hostile = "a|b <script>alert(1)</script> `x` [l](http://e) @team\nnext\r![i](x)";
        let e = escape(hostile);
        assert!(!e.contains('\n') && !e.contains('\r'));
        assert!(!e.contains("<script>"));
        assert!(!e.contains('@'));
        // Every `|` and backtick is escaped.
        assert!(!e.replace("\\|", "").contains('|'));
        assert!(!e.replace("\\`", "").contains('`'));
        assert!(!e.replace("\\[", "").contains('['));
    }
}
