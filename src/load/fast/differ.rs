//! The fast scanner against saphyr-parser on one text, for the differential test
//! (`tests/fast_scanner.rs`) and the fuzz target (`fuzz/fuzz_targets/scanner.rs`).

use saphyr_parser::{Event, Parser, ScanError, Span};

use super::events;

/// saphyr-parser's events of `text` with their spans, up to the end or its first error.
pub fn reference_events(text: &str) -> (Vec<(Event<'_>, Span)>, Option<ScanError>) {
    let mut parser = Parser::new_from_str(text);
    let mut out = Vec::new();
    while let Some(next) = parser.next_event() {
        match next {
            Ok(event) => out.push(event),
            Err(err) => return (out, Some(err)),
        }
    }
    (out, None)
}

/// How the fast scanner did on a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// It read the text, with exactly saphyr-parser's events and spans.
    Same,
    /// It left the text to saphyr-parser.
    Handed,
}

/// Compares the fast scanner with saphyr-parser on `text`; `Err` describes the first
/// difference.
pub fn compare(text: &str) -> Result<Verdict, String> {
    let Ok(fast) = events(text) else {
        return Ok(Verdict::Handed);
    };
    let (reference, error) = reference_events(text);
    if let Some(err) = error {
        return Err(format!(
            "the fast scanner read a text that saphyr-parser refuses ({err}) after {} events",
            reference.len()
        ));
    }
    for (i, (f, r)) in fast.iter().zip(&reference).enumerate() {
        if f != r {
            return Err(format!("event {i}: fast {f:?}, saphyr-parser {r:?}"));
        }
    }
    if fast.len() != reference.len() {
        return Err(format!(
            "fast gave {} events, saphyr-parser {}",
            fast.len(),
            reference.len()
        ));
    }
    Ok(Verdict::Same)
}
