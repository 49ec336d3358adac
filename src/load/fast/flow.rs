//! Scalars on one line and flow collections closed on the line they open. Spans as
//! saphyr-parser's tokens have them: a plain scalar ends at its last character; a quoted
//! scalar, `[`, `{`, `,`, `]` and `}` take the spaces and comment after them along.

use saphyr_parser::{Event, ScalarStyle, Span};

use super::{Scalar, Scanner, Step, Unsupported, is_blankz, is_flow};

/// Whether a plain scalar may start with `c` followed by `next`: no indicator, and a `-`
/// only before something that keeps it plain (`-1`, `--x`). `?` and `:` starts, legal in
/// places, are left to saphyr-parser.
fn plain_start(c: u8, next: u8, flow: bool) -> bool {
    match c {
        b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => true,
        b'$' | b'(' | b')' | b'+' | b'.' | b'/' | b';' | b'<' | b'=' | b'\\' | b'^' | b'_'
        | b'~' => true,
        b'-' => !(is_blankz(next) || (flow && is_flow(next))),
        _ => false,
    }
}

impl<'t, S> Scanner<'t, S>
where
    S: FnMut(Event<'t>, Span) -> std::ops::ControlFlow<()>,
{
    /// A scalar on one line at the cursor, in flow context or not.
    pub(super) fn scalar(&mut self, flow: bool) -> Result<Scalar<'t>, Unsupported> {
        match self.peek() {
            b'"' => self.quoted(b'"', ScalarStyle::DoubleQuoted, flow),
            b'\'' => self.quoted(b'\'', ScalarStyle::SingleQuoted, flow),
            c if plain_start(c, self.at(self.pos + 1), flow) => self.plain(flow),
            _ => Err(Unsupported),
        }
    }

    /// Whether `:` at `i` ends a plain scalar (a value indicator).
    fn colon_ends(&self, i: usize, flow: bool) -> bool {
        let next = self.at(i + 1);
        is_blankz(next) || (flow && is_flow(next))
    }

    /// A plain scalar: runs of characters separated by spaces, up to the end of the line, a
    /// comment, a value indicator or (in flow context) a flow indicator. The cursor stops
    /// there, past any trailing spaces; the scalar ends at its last character.
    fn plain(&mut self, flow: bool) -> Result<Scalar<'t>, Unsupported> {
        let start = self.mark();
        let begin = self.pos;
        let end = loop {
            loop {
                match self.peek() {
                    b' ' | b'\n' | 0 => break,
                    b':' if self.colon_ends(self.pos, flow) => break,
                    c if flow && is_flow(c) => break,
                    _ => self.pos += 1,
                }
            }
            let end = self.pos;
            if self.peek() != b' ' {
                break end;
            }
            self.skip_spaces();
            match self.peek() {
                b'#' | b'\n' | 0 => break end,
                b':' if self.colon_ends(self.pos, flow) => break end,
                c if flow && is_flow(c) => break end,
                b'-' if flow && is_flow(self.at(self.pos + 1)) => return Err(Unsupported),
                _ => {}
            }
        };
        Ok(Scalar {
            value: &self.src[begin..end],
            style: ScalarStyle::Plain,
            start,
            end: self.mark_at(end),
        })
    }

    /// A quoted scalar whose text is what is written between the quotes: on one line, no
    /// escape sequence, no doubled single quote. What may follow is checked as
    /// saphyr-parser does.
    fn quoted(&mut self, q: u8, style: ScalarStyle, flow: bool) -> Result<Scalar<'t>, Unsupported> {
        let start = self.mark();
        self.pos += 1;
        let begin = self.pos;
        loop {
            match self.peek() {
                b'\n' | 0 => return Err(Unsupported),
                b'\\' if q == b'"' => return Err(Unsupported),
                c if c == q => break,
                _ => self.pos += 1,
            }
        }
        if q == b'\'' && self.at(self.pos + 1) == b'\'' {
            return Err(Unsupported);
        }
        let value = &self.src[begin..self.pos];
        self.pos += 1;
        self.skip_ws_to_eol()?;
        match self.peek() {
            b'\n' | 0 | b':' => {}
            b',' | b'}' | b']' if flow => {}
            _ => return Err(Unsupported),
        }
        Ok(Scalar {
            value,
            style,
            start,
            end: self.mark(),
        })
    }

    /// A flow sequence or mapping at the cursor, closed on this line. The cursor ends past
    /// its closing bracket and what saphyr-parser takes along with it.
    pub(super) fn flow_collection(&mut self) -> Step {
        self.enter()?;
        let open = self.peek();
        let start = self.mark();
        self.pos += 1;
        self.skip_ws_to_eol()?;
        let span = Span::new(start, self.mark());
        let (close, end_event) = if open == b'[' {
            self.emit(Event::SequenceStart(0, None), span)?;
            (b']', Event::SequenceEnd)
        } else {
            self.emit(Event::MappingStart(0, None), span)?;
            (b'}', Event::MappingEnd)
        };
        if self.peek() != close {
            loop {
                if open == b'{' {
                    let key = self.scalar(true)?;
                    self.emit_scalar(key)?;
                    // `{a:b}` and `{"a":b}` read differently; only `: ` is taken here.
                    if !(self.peek() == b':' && self.at(self.pos + 1) == b' ') {
                        return Err(Unsupported.into());
                    }
                    self.pos += 1;
                    self.skip_spaces();
                }
                if matches!(self.peek(), b'[' | b'{') {
                    self.flow_collection()?;
                } else {
                    let value = self.scalar(true)?;
                    self.emit_scalar(value)?;
                }
                self.skip_spaces();
                match self.peek() {
                    b',' => {
                        self.pos += 1;
                        self.skip_ws_to_eol()?;
                        // A trailing comma (or a line break) is left to saphyr-parser.
                        if matches!(self.peek(), b'\n' | 0) || self.peek() == close {
                            return Err(Unsupported.into());
                        }
                    }
                    c if c == close => break,
                    _ => return Err(Unsupported.into()),
                }
            }
        }
        let start = self.mark();
        self.pos += 1;
        self.skip_ws_to_eol()?;
        self.emit(end_event, Span::new(start, self.mark()))?;
        self.depth -= 1;
        Ok(())
    }
}
