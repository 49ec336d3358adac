//! A fast scanner for the block-style subset of YAML that catalogue files are written in,
//! giving exactly saphyr-parser's events and spans (character indices, lines and columns),
//! so that the loader cannot tell which of the two read a file.
//!
//! The subset: printable ASCII with `\n` line breaks; block mappings whose keys are plain or
//! quoted scalars on one line; block sequences (indented or not); plain, single- and
//! double-quoted scalars on one line (no escapes, no `''`); flow sequences and mappings
//! closed on the line they open; comments; `---` between documents. No tabs, `\r`, anchors,
//! aliases, tags, block scalars, explicit keys, directives, `...`, empty values in flow
//! collections or sequences, nor anything saphyr-parser would refuse.
//!
//! Anything else stops the scan with [`Unsupported`] (the event sink has then seen a prefix
//! of the stream): the caller starts again from the top with saphyr-parser, on a fresh
//! receiver, so that a file outside the subset gets saphyr-parser's events and errors, never
//! a mix. The subset is decided as the text is read, and a catalogue file is almost always
//! inside it, so the restart costs one partial scan for the rare file that is not.
//!
//! Why it is faster: it reads bytes, not a buffered character iterator; scalars borrow from
//! the text instead of being copied into fresh strings; no token queue, simple-key table or
//! indentation stack of a general YAML scanner: the nesting of block collections is the
//! call stack, bounded by [`MAX_DEPTH`].
//!
//! Proof of equality: `tests/fast_scanner.rs` compares both event streams with their spans
//! on every case of the YAML test suite, every fixture and every single-byte mutation of the
//! mutation corpus; `fuzz/fuzz_targets/scanner.rs` does the same on arbitrary input.

mod block;
mod differ;
mod flow;

use std::borrow::Cow;
use std::ops::ControlFlow;

use saphyr_parser::{Event, Marker, ScalarStyle, Span};

pub use differ::{Verdict, compare, reference_events};

/// Nesting (block and flow together) beyond which a text is left to saphyr-parser: below the
/// loader's own depth limit, so that its cut is always decided on saphyr-parser's events.
pub const MAX_DEPTH: usize = 64;

/// The text is outside the subset this scanner reads: parse it with saphyr-parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsupported;

/// Why scanning stopped early.
enum Halt {
    Unsupported,
    /// The receiver asked to stop.
    Stopped,
}

impl From<Unsupported> for Halt {
    fn from(_: Unsupported) -> Self {
        Halt::Unsupported
    }
}

type Step = Result<(), Halt>;

/// Feeds the events of `text` (without a byte order mark) to `sink`, in saphyr-parser's
/// order and with its spans, until the stream ends or `sink` breaks. `Err` means the text is
/// outside the subset; `sink` has then seen a prefix of the stream and must be discarded.
pub fn parse<'t, S>(text: &'t str, sink: S) -> Result<(), Unsupported>
where
    S: FnMut(Event<'t>, Span) -> ControlFlow<()>,
{
    // One pass over the bytes, quick to vectorise, keeps every later step to ASCII
    // without tabs, carriage returns or control characters: a byte is a character.
    if !text
        .bytes()
        .all(|c| c == b'\n' || (b' '..=b'~').contains(&c))
    {
        return Err(Unsupported);
    }
    let mut scanner = Scanner {
        src: text,
        b: text.as_bytes(),
        pos: 0,
        line: 1,
        line_start: 0,
        sink,
        depth: 0,
        pending_document: false,
    };
    match scanner.stream() {
        Ok(()) | Err(Halt::Stopped) => Ok(()),
        Err(Halt::Unsupported) => Err(Unsupported),
    }
}

/// The events of `text` with their spans, or `Unsupported`: for tests and fuzzing.
pub fn events(text: &str) -> Result<Vec<(Event<'_>, Span)>, Unsupported> {
    let mut out = Vec::new();
    parse(text, |event, span| {
        out.push((event, span));
        ControlFlow::Continue(())
    })?;
    Ok(out)
}

struct Scanner<'t, S> {
    src: &'t str,
    b: &'t [u8],
    pos: usize,
    /// 1-based line of `pos`, and where that line starts.
    line: usize,
    line_start: usize,
    sink: S,
    depth: usize,
    /// An implicit document start waits for the span of its root's first event.
    pending_document: bool,
}

/// A scalar read on one line: its text and where its token starts and ends.
struct Scalar<'t> {
    value: &'t str,
    style: ScalarStyle,
    start: Marker,
    end: Marker,
}

fn is_blankz(c: u8) -> bool {
    matches!(c, b' ' | b'\n' | 0)
}

fn is_flow(c: u8) -> bool {
    matches!(c, b',' | b'[' | b']' | b'{' | b'}')
}

impl<'t, S> Scanner<'t, S>
where
    S: FnMut(Event<'t>, Span) -> ControlFlow<()>,
{
    fn emit(&mut self, event: Event<'t>, span: Span) -> Step {
        if self.pending_document {
            self.pending_document = false;
            if (self.sink)(Event::DocumentStart(false), span).is_break() {
                return Err(Halt::Stopped);
            }
        }
        match (self.sink)(event, span) {
            ControlFlow::Continue(()) => Ok(()),
            ControlFlow::Break(()) => Err(Halt::Stopped),
        }
    }

    fn emit_scalar(&mut self, s: Scalar<'t>) -> Step {
        let event = Event::Scalar(Cow::Borrowed(s.value), s.style, 0, None);
        self.emit(event, Span::new(s.start, s.end))
    }

    /// The byte at `i`, or 0 past the end (the text holds no NUL: see [`parse`]).
    #[inline]
    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }

    #[inline]
    fn peek(&self) -> u8 {
        self.at(self.pos)
    }

    fn eof(&self) -> bool {
        self.pos >= self.b.len()
    }

    fn col(&self) -> usize {
        self.pos - self.line_start
    }

    fn mark(&self) -> Marker {
        Marker::new(self.pos, self.line, self.pos - self.line_start)
    }

    fn mark_at(&self, pos: usize) -> Marker {
        Marker::new(pos, self.line, pos - self.line_start)
    }

    /// Where saphyr-parser puts the end of the stream: at the last index, on a line of its
    /// own when the text does not end with a line break.
    fn eof_mark(&self) -> Marker {
        match self.col() {
            0 => self.mark(),
            _ => Marker::new(self.pos, self.line + 1, 0),
        }
    }

    fn skip_spaces(&mut self) {
        while self.peek() == b' ' {
            self.pos += 1;
        }
    }

    fn skip_line(&mut self) {
        while !matches!(self.peek(), b'\n' | 0) {
            self.pos += 1;
        }
    }

    /// Spaces, line breaks and comments up to the next token.
    fn skip_to_token(&mut self) {
        loop {
            match self.peek() {
                b' ' => self.pos += 1,
                b'\n' => {
                    self.pos += 1;
                    self.line += 1;
                    self.line_start = self.pos;
                }
                b'#' => self.skip_line(),
                _ => return,
            }
        }
    }

    /// saphyr-parser's `skip_ws_to_eol` after a quoted scalar or a flow indicator: spaces and
    /// a comment, which are then part of that token's span. A comment needs a space first.
    fn skip_ws_to_eol(&mut self) -> Result<(), Unsupported> {
        let start = self.pos;
        self.skip_spaces();
        if self.peek() == b'#' {
            if self.pos == start {
                return Err(Unsupported);
            }
            self.skip_line();
        }
        Ok(())
    }

    /// A block sequence entry indicator: `-` and a space, a line break or the end.
    fn is_entry(&self) -> bool {
        self.peek() == b'-' && is_blankz(self.at(self.pos + 1))
    }

    /// `---` or `...` at the start of a line, as a whole token.
    fn is_document_indicator(&self) -> bool {
        let c = self.peek();
        self.col() == 0
            && matches!(c, b'-' | b'.')
            && self.at(self.pos + 1) == c
            && self.at(self.pos + 2) == c
            && is_blankz(self.at(self.pos + 3))
    }

    /// A value indicator after a key: `:` and a space, a line break or the end.
    fn is_value_indicator(&self) -> bool {
        self.peek() == b':' && is_blankz(self.at(self.pos + 1))
    }

    fn enter(&mut self) -> Result<(), Unsupported> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Unsupported);
        }
        Ok(())
    }
}
