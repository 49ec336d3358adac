//! Building and applying a fix's edits: the text of a replacement scalar quoted as the
//! old one was, the one near name a fix may choose, and edits applied to a text with every
//! other byte kept. Below the stages that attach fixes (the schema stage, the rules, the
//! suppressions); [`crate::fix`] plans and re-checks rounds of them.

use std::ops::Range;

use crate::diagnostic::{Edit, Fix};

/// The edits of `fixes`, in text order.
pub(crate) fn sorted_edits<'f>(fixes: impl IntoIterator<Item = &'f Fix>) -> Vec<&'f Edit> {
    let mut edits: Vec<&Edit> = fixes.into_iter().flat_map(|f| f.edits.iter()).collect();
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    edits
}

/// Applies non-overlapping fixes to `text`; every byte outside their edits is kept.
pub fn apply<'f>(text: &str, fixes: impl IntoIterator<Item = &'f Fix>) -> String {
    apply_edits(text, sorted_edits(fixes))
}

/// Applies edits in text order to `text`; an edit that overlaps an earlier one, or lies
/// outside the text, is skipped. Every byte outside the edits is kept.
pub fn apply_edits<'e>(text: &str, edits: impl IntoIterator<Item = &'e Edit>) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut at = 0;
    for e in edits {
        if e.range.start < at || e.range.end > text.len() {
            continue; // overlapping or out of range: never applied (the planner checks too)
        }
        out.push_str(&text[at..e.range.start]);
        out.push_str(&e.text);
        at = e.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// The one candidate close enough to `input` to be its typo, when exactly one is: a fix
/// must not choose between two plausible names.
pub fn sole_nearest<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let input_lower = input.to_lowercase();
    let mut found: Option<&'a str> = None;
    for c in candidates {
        if c == input {
            continue;
        }
        let d = crate::suggest::distance(&input_lower, &c.to_lowercase());
        let max = (c.chars().count().max(input.chars().count()) / 3).max(1);
        if d <= max {
            if found.is_some_and(|f| f != c) {
                return None;
            }
            found = Some(c);
        }
    }
    found
}

/// Like [`sole_nearest`], but also matching a value that is one word of exactly one
/// allowed name (`customer` for `customer-facing`): how people shorten enum values.
pub fn sole_value<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
) -> Option<&'a str> {
    if let Some(n) = sole_nearest(input, candidates.clone()) {
        return Some(n);
    }
    let lower = input.to_lowercase();
    let mut found: Option<&'a str> = None;
    for c in candidates {
        let words = c.to_lowercase();
        if lower.len() >= 3 && words.split(['-', '_', ' ']).any(|w| w == lower) {
            if found.is_some_and(|f| f != c) {
                return None;
            }
            found = Some(c);
        }
    }
    found
}

/// An edit that writes `new` in place of the scalar at `span` of `text`, quoted the way
/// the old one was (or double-quoted when a plain scalar could not hold it). `None` when
/// the span is not a one-line scalar written there (an alias, a tag, a block scalar, a
/// flow collection): such a value is left to a person.
pub fn replace_scalar(text: &str, span: &Range<usize>, new: &str) -> Option<Edit> {
    let old = text.get(span.clone())?;
    if old.is_empty() || old.contains(['\n', '\r']) {
        return None;
    }
    let written = match old.as_bytes()[0] {
        b'"' => double_quoted(new),
        b'\'' => format!("'{}'", new.replace('\'', "''")),
        b'*' | b'&' | b'!' | b'|' | b'>' | b'[' | b'{' => return None,
        _ if plain_is_string(new) => new.to_owned(),
        _ => double_quoted(new),
    };
    Some(Edit::replace(span.clone(), written))
}

/// `text` in double quotes, escaped for YAML.
pub fn double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `s`, written plain, is read back by YAML 1.1 and 1.2 alike as the string `s`:
/// names made of letters, digits, `-`, `_` and `.`, starting with a letter, that are not
/// a boolean or null word of either version.
fn plain_is_string(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null" | "nan" | "inf"
        )
}
