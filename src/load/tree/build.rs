//! Building a [`Tree`], bottom-up, from the loader's events.

use std::sync::Arc;

use serde_json::Value;

use super::*;

/// A key of a mapping being built: its text in the tree's buffer.
pub type KeyRef = Str;

/// Builds one tree. Containers are written bottom-up: a list or mapping is closed after its
/// children, so its items and members land contiguously when it ends. The builder's
/// buffers are reused from one document to the next; each finished tree gets exact-size
/// copies.
#[derive(Debug, Default)]
pub struct TreeBuilder {
    slots: Vec<Slot>,
    items: Vec<NodeId>,
    members: Vec<Member>,
    text: String,
    /// The file's text, when strings may point into it.
    source: Option<Arc<str>>,
}

/// Converts an index to the 32-bit form the tree stores. Files are capped well below 4 GiB
/// (`limits.fileSize`) and every node, item or member needs at least one byte of text or
/// one alias expansion (capped by `limits.aliasNodes`), so saturating never happens in
/// practice; it keeps a hostile configuration from wrapping around.
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl TreeBuilder {
    /// A builder whose strings point into `source` where they are written verbatim.
    pub fn with_source(source: Arc<str>) -> Self {
        Self {
            source: Some(source),
            ..Self::default()
        }
    }

    fn push(&mut self, slot: Slot) -> NodeId {
        self.slots.push(slot);
        to_u32(self.slots.len() - 1)
    }

    fn intern(&mut self, s: &str) -> Str {
        let start = to_u32(self.text.len()).min(IN_SOURCE - 1);
        self.text.push_str(s);
        Str {
            start,
            len: to_u32(s.len()),
        }
    }

    pub fn null(&mut self) -> NodeId {
        self.push(Slot::Null)
    }

    pub fn bool(&mut self, b: bool) -> NodeId {
        self.push(Slot::Bool(b))
    }

    pub fn number(&mut self, n: &Number) -> NodeId {
        self.push(Slot::Number(Num::of(n)))
    }

    pub fn string(&mut self, s: &str) -> NodeId {
        let s = self.intern(s);
        self.push(Slot::String(s))
    }

    /// A string scalar written at `span` of the file: a reference to the file's text when
    /// the scalar is exactly what is written there (a plain scalar on one line), else a copy.
    pub fn string_at(&mut self, s: &str, span: &Range<usize>) -> NodeId {
        if let Some(source) = &self.source
            && span.end < IN_SOURCE as usize
            && source.get(span.clone()) == Some(s)
        {
            let s = Str {
                start: to_u32(span.start) | IN_SOURCE,
                len: to_u32(s.len()),
            };
            return self.push(Slot::String(s));
        }
        self.string(s)
    }

    /// A scalar as the loader resolved it.
    pub fn scalar(&mut self, v: &Value) -> NodeId {
        match v {
            Value::Null => self.null(),
            Value::Bool(b) => self.bool(*b),
            Value::Number(n) => self.number(n),
            Value::String(s) => self.string(s),
            other => self.value(other),
        }
    }

    /// Copies a whole JSON value in.
    pub fn value(&mut self, v: &Value) -> NodeId {
        match v {
            Value::Array(items) => {
                let ids: Vec<NodeId> = items.iter().map(|i| self.value(i)).collect();
                self.array(&ids)
            }
            Value::Object(map) => {
                let members: Vec<(KeyRef, NodeId)> = map
                    .iter()
                    .map(|(k, v)| {
                        let key = self.key(k);
                        (key, self.value(v))
                    })
                    .collect();
                self.object(&members)
            }
            scalar => self.scalar(scalar),
        }
    }

    /// Stores a mapping key's text.
    pub fn key(&mut self, s: &str) -> KeyRef {
        self.intern(s)
    }

    pub fn key_str(&self, key: KeyRef) -> &str {
        resolve(&self.text, self.source.as_deref(), key)
    }

    pub fn array(&mut self, ids: &[NodeId]) -> NodeId {
        let start = to_u32(self.items.len());
        self.items.extend_from_slice(ids);
        self.push(Slot::Array {
            start,
            len: to_u32(ids.len()),
        })
    }

    pub fn object(&mut self, members: &[(KeyRef, NodeId)]) -> NodeId {
        let start = to_u32(self.members.len());
        self.members
            .extend(members.iter().map(|&(key, value)| Member { key, value }));
        self.push(Slot::Object {
            start,
            len: to_u32(members.len()),
        })
    }

    /// The members of a mapping already built (for merge keys), or `None` for any other
    /// value.
    pub fn object_members(&self, id: NodeId) -> Option<Vec<(KeyRef, NodeId)>> {
        match self.slots.get(id as usize)? {
            Slot::Object { start, len } => Some(
                self.members
                    .get(*start as usize..start.saturating_add(*len) as usize)?
                    .iter()
                    .map(|m| (m.key, m.value))
                    .collect(),
            ),
            _ => None,
        }
    }

    /// The items of a list already built (for merge keys), or `None` for any other value.
    pub fn array_items(&self, id: NodeId) -> Option<Vec<NodeId>> {
        match self.slots.get(id as usize)? {
            Slot::Array { start, len } => Some(
                self.items
                    .get(*start as usize..start.saturating_add(*len) as usize)?
                    .to_vec(),
            ),
            _ => None,
        }
    }

    /// A string node used as a mapping key: its text. The key's node itself is dropped when
    /// it is the last one built and nothing else refers to it (`shared`: an anchor or an
    /// alias), since a key is not a value of the tree.
    pub fn take_string(&mut self, id: NodeId, shared: bool) -> Option<KeyRef> {
        let Some(&Slot::String(s)) = self.slots.get(id as usize) else {
            return None;
        };
        if !shared && id as usize + 1 == self.slots.len() {
            self.slots.pop();
        }
        Some(s)
    }

    /// What kind of value a built node is, for messages about keys.
    pub fn view_of(&self, id: NodeId) -> ScalarKind {
        match self.slots.get(id as usize) {
            None | Some(Slot::Null) => ScalarKind::Null,
            Some(Slot::Bool(b)) => ScalarKind::Other(b.to_string()),
            Some(Slot::Number(n)) => ScalarKind::Other(n.number().to_string()),
            Some(Slot::String(s)) => ScalarKind::String(self.key_str(*s).to_owned()),
            Some(Slot::Array { .. } | Slot::Object { .. }) => ScalarKind::Container,
        }
    }

    /// Hands out the tree rooted at `root` and resets the builder for the next document.
    pub fn finish(&mut self, root: NodeId) -> Tree {
        let tree = Tree {
            slots: self.slots.as_slice().into(),
            items: self.items.as_slice().into(),
            members: self.members.as_slice().into(),
            text: self.text.as_str().into(),
            source: self.source.clone(),
            root,
        };
        self.slots.clear();
        self.items.clear();
        self.members.clear();
        self.text.clear();
        tree
    }
}

/// A node seen as a mapping key would see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScalarKind {
    Null,
    String(String),
    /// A boolean or number, as JSON writes it.
    Other(String),
    Container,
}
