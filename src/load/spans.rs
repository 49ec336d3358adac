//! Where each value of a document was written: a map from JSON pointer to source spans.

use std::collections::HashMap;
use std::ops::Range;

/// The spans of one node: its key (for mapping values), its value, and, for values that came
/// through an alias or a merge key, the pointer of the place where they were first written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeSpan {
    pub key: Option<Range<usize>>,
    pub value: Range<usize>,
    pub origin: Option<Box<str>>,
}

#[derive(Debug, Default, Clone)]
pub struct SpanMap {
    nodes: HashMap<Box<str>, NodeSpan>,
}

/// The answer to "where is this pointer written?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The key of the entry (absent for list items and the document root).
    pub key: Option<Range<usize>>,
    /// The value, or the alias or merge key that brought it in.
    pub value: Range<usize>,
    /// For values brought in by an alias or merge: where the anchor wrote them.
    pub written_at: Option<Range<usize>>,
    /// False when the pointer has no node of its own and an ancestor's span is used.
    pub exact: bool,
}

impl SpanMap {
    pub(crate) fn insert(&mut self, pointer: &str, span: NodeSpan) {
        self.nodes.insert(pointer.into(), span);
    }

    pub fn get(&self, pointer: &str) -> Option<&NodeSpan> {
        self.nodes.get(pointer)
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Finds where `pointer` is written. A pointer below an alias use is answered with the
    /// alias (the use site), and the anchor's copy of the same value as `written_at`. A
    /// pointer with no node of its own (a missing field) is answered by its nearest ancestor.
    pub fn resolve(&self, pointer: &str) -> Option<Resolved> {
        if let Some(node) = self.nodes.get(pointer) {
            return Some(Resolved {
                key: node.key.clone(),
                value: node.value.clone(),
                written_at: node
                    .origin
                    .as_deref()
                    .and_then(|o| self.resolve(o))
                    .map(|r| r.written_at.unwrap_or(r.value)),
                exact: true,
            });
        }
        let mut cut = pointer.len();
        while let Some(slash) = pointer[..cut].rfind('/') {
            let ancestor = &pointer[..slash];
            if let Some(node) = self.nodes.get(ancestor) {
                let rest = &pointer[slash..];
                let written_at = node.origin.as_deref().and_then(|origin| {
                    let inner = format!("{origin}{rest}");
                    self.resolve(&inner)
                        .filter(|r| r.exact)
                        .map(|r| r.written_at.unwrap_or(r.value))
                });
                let exact = written_at.is_some();
                return Some(Resolved {
                    key: node.key.clone(),
                    value: node.value.clone(),
                    written_at,
                    exact,
                });
            }
            cut = slash;
        }
        None
    }
}

/// Escapes one JSON pointer segment (`~` -> `~0`, `/` -> `~1`).
pub fn escape_segment(segment: &str) -> std::borrow::Cow<'_, str> {
    if segment.contains(['~', '/']) {
        segment.replace('~', "~0").replace('/', "~1").into()
    } else {
        segment.into()
    }
}

/// Appends an escaped segment to a pointer.
pub fn push_segment(pointer: &str, segment: &str) -> String {
    let seg = escape_segment(segment);
    let mut p = String::with_capacity(pointer.len() + 1 + seg.len());
    p.push_str(pointer);
    p.push('/');
    p.push_str(&seg);
    p
}
