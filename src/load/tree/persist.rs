//! Documents written to and read back from the on-disk cache (`crate::cache`): a file whose
//! text is unchanged gets back the documents that loading it gave, without parsing it.
//!
//! Only documents loaded without spans (`load_fast`, whose spans are built on first use by
//! reading the text again) are written: read back, they get the same lazily built spans
//! from the same text, so every later stage sees exactly what a fresh load gives. The arena
//! arrays are written at a fixed width, which reads back at memory speed.

use std::sync::{Arc, OnceLock};

use super::{Member, Num, Slot, Str, Tree};
use crate::codec::{Reader, Writer};
use crate::load::{Details, Document, FileDetails, Limits};

/// Writes a file's documents; `false` (and nothing written) when a document was not loaded
/// lazily, so that reading it back could differ from loading it.
pub(crate) fn encode_documents(documents: &[&Document], w: &mut Writer) -> bool {
    if !documents
        .iter()
        .all(|d| matches!(d.details, Details::Lazy(_)))
    {
        return false;
    }
    w.usize(documents.len());
    for d in documents {
        w.usize(d.index);
        w.usize(d.span.start);
        w.usize(d.span.end);
        w.usize(d.first_line_end);
        w.bool(d.complete);
        w.bool(d.maybe_ambiguous);
        encode_tree(&d.value, w);
    }
    true
}

/// Reads back what [`encode_documents`] wrote, for the file whose text is `text`.
pub(crate) fn decode_documents(
    r: &mut Reader<'_>,
    text: &Arc<str>,
    limits: &Limits,
) -> Option<Vec<Document>> {
    let n = r.count(8)?;
    let mut documents = Vec::with_capacity(n);
    let mut spans = Vec::with_capacity(n);
    for _ in 0..n {
        let index = r.usize()?;
        let span = r.usize()?..r.usize()?;
        let first_line_end = r.usize()?;
        let complete = r.bool()?;
        let maybe_ambiguous = r.bool()?;
        let value = decode_tree(r, text)?;
        if span.start > span.end || span.end > text.len() || index != documents.len() {
            return None;
        }
        spans.push(span.clone());
        documents.push((
            index,
            value,
            span,
            first_line_end,
            complete,
            maybe_ambiguous,
        ));
    }
    let details = Arc::new(FileDetails {
        text: Arc::clone(text),
        limits: *limits,
        first: 0,
        documents: spans.into_iter().map(|s| (s, OnceLock::new())).collect(),
    });
    Some(
        documents
            .into_iter()
            .map(
                |(index, value, span, first_line_end, complete, maybe_ambiguous)| Document {
                    index,
                    value: Arc::new(value),
                    span,
                    first_line_end,
                    complete,
                    details: Details::Lazy(Arc::clone(&details)),
                    maybe_ambiguous,
                },
            )
            .collect(),
    )
}

const NULL: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
const POS_INT: u8 = 3;
const NEG_INT: u8 = 4;
const FLOAT: u8 = 5;
const STRING: u8 = 6;
const ARRAY: u8 = 7;
const OBJECT: u8 = 8;

fn encode_tree(t: &Tree, w: &mut Writer) {
    w.u32(t.root);
    w.bool(t.source.is_some());
    w.usize(t.slots.len());
    for slot in &t.slots {
        match *slot {
            Slot::Null => w.u8(NULL),
            Slot::Bool(false) => w.u8(FALSE),
            Slot::Bool(true) => w.u8(TRUE),
            Slot::Number(Num::PosInt(u)) => {
                w.u8(POS_INT);
                w.u64(u);
            }
            Slot::Number(Num::NegInt(i)) => {
                w.u8(NEG_INT);
                w.u64(i as u64);
            }
            Slot::Number(Num::Float(f)) => {
                w.u8(FLOAT);
                w.u64(f.to_bits());
            }
            Slot::String(s) => {
                w.u8(STRING);
                w.u32(s.start);
                w.u32(s.len);
            }
            Slot::Array { start, len } => {
                w.u8(ARRAY);
                w.u32(start);
                w.u32(len);
            }
            Slot::Object { start, len } => {
                w.u8(OBJECT);
                w.u32(start);
                w.u32(len);
            }
        }
    }
    w.usize(t.items.len());
    for &i in &t.items {
        w.u32(i);
    }
    w.usize(t.members.len());
    for m in &t.members {
        w.u32(m.key.start);
        w.u32(m.key.len);
        w.u32(m.value);
    }
    w.str(&t.text);
}

fn decode_tree(r: &mut Reader<'_>, text: &Arc<str>) -> Option<Tree> {
    let root = r.u32()?;
    let in_source = r.bool()?;
    let n = r.count(1)?;
    let mut slots = Vec::with_capacity(n);
    for _ in 0..n {
        let slot = match r.u8()? {
            NULL => Slot::Null,
            FALSE => Slot::Bool(false),
            TRUE => Slot::Bool(true),
            POS_INT => Slot::Number(Num::PosInt(r.u64()?)),
            NEG_INT => Slot::Number(Num::NegInt(r.u64()? as i64)),
            FLOAT => {
                let f = f64::from_bits(r.u64()?);
                // Only finite floats are ever stored.
                if !f.is_finite() {
                    return None;
                }
                Slot::Number(Num::Float(f))
            }
            STRING => Slot::String(Str {
                start: r.u32()?,
                len: r.u32()?,
            }),
            ARRAY => Slot::Array {
                start: r.u32()?,
                len: r.u32()?,
            },
            OBJECT => Slot::Object {
                start: r.u32()?,
                len: r.u32()?,
            },
            _ => return None,
        };
        slots.push(slot);
    }
    let n = r.count(4)?;
    let items: Box<[u32]> = r
        .take(n * 4)?
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let n = r.count(12)?;
    let members: Box<[Member]> = r
        .take(n * 12)?
        .chunks_exact(12)
        .map(|c| {
            let word = |i: usize| u32::from_le_bytes([c[i], c[i + 1], c[i + 2], c[i + 3]]);
            Member {
                key: Str {
                    start: word(0),
                    len: word(4),
                },
                value: word(8),
            }
        })
        .collect();
    let own = r.str()?;
    if root as usize >= slots.len() {
        return None;
    }
    Some(Tree {
        slots: slots.into_boxed_slice(),
        items,
        members,
        text: own.into(),
        source: in_source.then(|| Arc::clone(text)),
        root,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    #[test]
    fn documents_read_back_equal_and_spans_still_resolve() {
        let text: Arc<str> =
            "a: 1\nb: [x, \"y\\n\", -2, 1.5, true, null]\nc: {d: e}\n---\nf: g\n".into();
        let loaded = crate::load::load_fast(FileId(0), &text, &Limits::default());
        let mut w = Writer::default();
        let docs: Vec<&Document> = loaded.documents.iter().collect();
        assert!(encode_documents(&docs, &mut w));
        let mut r = Reader::new(&w.buf);
        let back = decode_documents(&mut r, &text, &Limits::default()).unwrap();
        assert!(r.at_end());
        assert_eq!(back.len(), loaded.documents.len());
        for (a, b) in loaded.documents.iter().zip(&back) {
            assert_eq!(a.value.root().to_value(), b.value.root().to_value());
            assert_eq!(a.span, b.span);
            assert_eq!(a.value_span("/c/d"), b.value_span("/c/d"));
            assert_eq!(a.missing_span(""), b.missing_span(""));
        }
        for cut in 0..w.buf.len() {
            let mut r = Reader::new(&w.buf[..cut]);
            assert!(decode_documents(&mut r, &text, &Limits::default()).is_none());
        }
    }
}
