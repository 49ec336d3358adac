//! The edits of several rounds as edits of the text first read: which bytes of the
//! original a plan replaced, so that "every other byte is kept" can be stated (and tested)
//! of the plan as a whole, not only of one round.

use std::ops::Range;

use crate::diagnostic::Edit;

/// A replaced range of the original text and the length of what stands there now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Patch {
    start: usize,
    end: usize,
    len: usize,
}

/// The replaced ranges of one file, in order and disjoint, in the original's offsets.
#[derive(Debug, Clone, Default)]
pub struct Composed {
    patches: Vec<Patch>,
}

impl Composed {
    /// Adds a round's edits (in the offsets of the text before that round, in text order
    /// and disjoint). The patches (placed in those offsets) and the edits are swept together
    /// in one pass: intervals that overlap or touch become one patch, which starts where
    /// the original offset of its first byte is and ends at that of its last.
    pub fn add<'e>(&mut self, edits: impl IntoIterator<Item = &'e Edit>) {
        // (start, end, how much it lengthens the text, whether it is a patch) in the
        // offsets before the round.
        let mut items: Vec<(usize, usize, isize, bool)> = Vec::new();
        let mut shift: isize = 0;
        for p in &self.patches {
            let start = (p.start as isize + shift) as usize;
            let grow = p.len as isize - (p.end - p.start) as isize;
            items.push((start, start + p.len, grow, true));
            shift += grow;
        }
        let mut edits: Vec<(usize, usize, isize, bool)> = edits
            .into_iter()
            .map(|e| {
                let grow = e.text.len() as isize - e.range.len() as isize;
                (e.range.start, e.range.end, grow, false)
            })
            .collect();
        edits.sort_by_key(|&(a, b, ..)| (a, b));
        items = merge_sorted(items, edits);

        let mut out: Vec<Patch> = Vec::new();
        // Offset before the round minus original offset, in the gap before `items[i]`.
        let mut shift: isize = 0;
        let mut i = 0;
        while i < items.len() {
            let (left, mut right, ..) = items[i];
            let shift_in = shift;
            let mut grow_edits = 0isize;
            while i < items.len() && items[i].0 <= right {
                let (_, end, grow, is_patch) = items[i];
                right = right.max(end);
                if is_patch {
                    shift += grow;
                } else {
                    grow_edits += grow;
                }
                i += 1;
            }
            out.push(Patch {
                start: (left as isize - shift_in) as usize,
                end: (right as isize - shift) as usize,
                len: ((right - left) as isize + grow_edits) as usize,
            });
        }
        self.patches = out;
    }

    /// The edits that turn `original` into `now`: each replaced range of the original with
    /// what stands there in `now`.
    pub fn edits(&self, now: &str) -> Vec<Edit> {
        let mut shift: isize = 0;
        self.patches
            .iter()
            .map(|p| {
                let at = (p.start as isize + shift) as usize;
                shift += p.len as isize - (p.end - p.start) as isize;
                Edit::replace(p.start..p.end, now.get(at..at + p.len).unwrap_or(""))
            })
            .collect()
    }

    /// The replaced ranges of the original.
    pub fn ranges(&self) -> Vec<Range<usize>> {
        self.patches.iter().map(|p| p.start..p.end).collect()
    }
}

/// Two lists sorted by start, as one.
fn merge_sorted<T: Copy>(
    a: Vec<(usize, usize, isize, T)>,
    b: Vec<(usize, usize, isize, T)>,
) -> Vec<(usize, usize, isize, T)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x.0 <= y.0 => a.next(),
            (Some(_), Some(_)) => b.next(),
            (Some(_), None) => a.next(),
            (None, _) => b.next(),
        };
        match next {
            Some(item) => out.push(item),
            None => return out,
        }
    }
}
