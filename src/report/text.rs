//! Text from YAML files reaches terminals and CI logs: control characters are shown as
//! escapes so that a value can never move the cursor, recolour output or forge a line.

use std::borrow::Cow;

/// Replaces control characters (other than tab in snippets) with visible escapes.
pub fn neutralise(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_dangerous) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_dangerous(c) {
            match c {
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn is_dangerous(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn escapes_control_characters() {
        assert_eq!(neutralise("plain"), "plain");
        assert_eq!(neutralise("a\x1b[31mb\nc"), "a\\u{1b}[31mb\\nc");
        assert_eq!(neutralise("x\u{202e}y"), "x\\u{202e}y");
    }
}
