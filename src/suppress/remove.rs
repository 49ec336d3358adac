//! The fix of `unused-suppression`: remove the rule from the comment's list, or the whole
//! comment line when nothing in it suppresses anything any more.

use std::ops::Range;

use crate::diagnostic::{Edit, Fix};
use crate::source::SourceFile;

/// The edit that removes the rule id at `span` from its suppression comment. `unused`
/// holds the spans of every unused id of the same comment (`span` among them): when they
/// are all the comment names, the comment line goes. Safe: the comment suppresses nothing.
pub fn remove(
    source: &SourceFile,
    span: &Range<usize>,
    rule: &str,
    unused: &[Range<usize>],
) -> Option<Fix> {
    let text: &str = &source.text;
    let line = source.line_of(span.start);
    // A byte order mark before a comment on the first line stays.
    let bom = if line == 0 && text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let (start, end) = (source.line_start(line) + bom, source.line_end(line));
    let content = text.get(start..end)?;
    // The list of ids: from the end of the directive to `--` (or the end of the line).
    let before_ids = text.get(start..span.start)?;
    let directive_end = start + before_ids.rfind("catalint-disable")?;
    let after_directive = text.get(directive_end..end)?;
    let list_start = directive_end + after_directive.find(char::is_whitespace)?;
    let list_end = match text.get(list_start..end)?.find("--") {
        Some(i) => list_start + i,
        None => end,
    };
    let ids: Vec<&str> = text
        .get(list_start..list_end)?
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if ids.len() == unused.len() {
        // Only a comment alone on its line is removed with its line (the scanner only
        // reads such comments, but be sure).
        if !content.trim_start().starts_with('#') {
            return None;
        }
        let next = source.line_start(line + 1);
        let range = if next > end {
            start..next
        } else if line > 0 {
            // The last line, without a final break: take the break before it instead, so
            // that the file still ends without one.
            source.line_end(line - 1)..end
        } else {
            start..end
        };
        return Some(Fix::safe(
            "remove the suppression comment, which suppresses nothing",
            vec![Edit::delete(range)],
        ));
    }
    // Remove the id with the comma after it, or (the last one) the comma before it.
    let bytes = text.as_bytes();
    let mut to = span.end;
    while to < list_end && bytes[to] == b' ' {
        to += 1;
    }
    let range = if to < list_end && bytes[to] == b',' {
        to += 1;
        while to < list_end && bytes[to] == b' ' {
            to += 1;
        }
        span.start..to
    } else {
        let mut from = span.start;
        while from > list_start && bytes[from - 1] == b' ' {
            from -= 1;
        }
        if from > list_start && bytes[from - 1] == b',' {
            from -= 1;
        } else {
            return None;
        }
        from..span.end
    };
    Some(Fix::safe(
        format!("remove `{rule}`, which suppresses nothing, from the comment"),
        vec![Edit::delete(range)],
    ))
}
