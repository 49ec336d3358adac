//! A loaded document's value in a compact form: one arena per document.
//!
//! `serde_json::Value` costs about 12 KB for a 930-byte service (an allocation per string,
//! an ordered hash map per mapping); a catalogue of 120,000 entities held that way needs
//! gigabytes, and zeroing fresh pages for them was a third of the run. Here a document is
//! four exact-size allocations: 16-byte slots, the list items, the mapping members, and
//! one buffer for the strings that need it. A string written verbatim in the file (most
//! keys and plain scalars) is not copied at all: it points into the file's text, which is
//! kept anyway. Aliases point at the anchor's slot instead of copying it. Schema
//! validation reads this form directly (`schema::instance`), so no `serde_json::Value` is
//! ever built for a catalogue document, except on the cold paths that show a value in a
//! message.
//!
//! Why one file of this size: the tree, its node views and their iterators are one data
//! structure's read side; the builder is apart, in `build.rs`.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use serde_json::{Map, Number, Value};

/// Index of a slot in its tree.
pub type NodeId = u32;

/// A piece of a tree's string buffer, or of the file's text when `start` has
/// [`IN_SOURCE`] set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Str {
    start: u32,
    len: u32,
}

/// Marks a [`Str`] that points into the file's text. Offsets stay below it: files are
/// capped at 2 GiB - 1 (`engine::MAX_FILE_SIZE`).
const IN_SOURCE: u32 = 1 << 31;

/// Reads a [`Str`] from a tree's own buffer or from the file's text.
fn resolve<'t>(own: &'t str, source: Option<&'t str>, s: Str) -> &'t str {
    let (text, start) = if s.start & IN_SOURCE != 0 {
        (source.unwrap_or(""), (s.start & !IN_SOURCE) as usize)
    } else {
        (own, s.start as usize)
    };
    text.get(start..start + s.len as usize).unwrap_or("")
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Member {
    key: Str,
    value: NodeId,
}

/// A number as `serde_json::Number` holds it, but `Copy`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Num {
    PosInt(u64),
    NegInt(i64),
    Float(f64),
}

impl Num {
    fn of(n: &Number) -> Num {
        if let Some(u) = n.as_u64() {
            Num::PosInt(u)
        } else if let Some(i) = n.as_i64() {
            Num::NegInt(i)
        } else {
            Num::Float(n.as_f64().unwrap_or(0.0))
        }
    }

    fn number(self) -> Number {
        match self {
            Num::PosInt(u) => Number::from(u),
            Num::NegInt(i) => Number::from(i),
            // Only finite floats are stored (the loader refuses `.inf` and `.nan`).
            Num::Float(f) => Number::from_f64(f).unwrap_or_else(|| Number::from(0)),
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) enum Slot {
    #[default]
    Null,
    Bool(bool),
    Number(Num),
    String(Str),
    /// A range of [`Tree::items`].
    Array {
        start: u32,
        len: u32,
    },
    /// A range of [`Tree::members`].
    Object {
        start: u32,
        len: u32,
    },
}

/// One document's value.
#[derive(Clone, Default)]
pub struct Tree {
    slots: Box<[Slot]>,
    items: Box<[NodeId]>,
    members: Box<[Member]>,
    text: Box<str>,
    /// The file's text, for strings written verbatim in it.
    source: Option<Arc<str>>,
    root: NodeId,
}

impl fmt::Debug for Tree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.root().to_value(), f)
    }
}

impl Tree {
    /// A tree holding `null`: the value of an empty document.
    pub fn null() -> Self {
        Self {
            slots: Box::new([Slot::Null]),
            ..Self::default()
        }
    }

    /// A tree holding one string (for property names validated as values).
    pub fn string(s: &str) -> Self {
        let mut b = TreeBuilder::default();
        let id = b.string(s);
        b.finish(id)
    }

    /// Builds a tree from a JSON value (tests, and values that come from JSON).
    pub fn from_value(value: &Value) -> Self {
        let mut b = TreeBuilder::default();
        let id = b.value(value);
        b.finish(id)
    }

    pub fn root(&self) -> Node<'_> {
        Node {
            tree: self,
            id: self.root,
        }
    }

    pub fn is_null(&self) -> bool {
        self.root().is_null()
    }

    /// The value at a JSON pointer (`/spec/category`), if present.
    pub fn pointer(&self, pointer: &str) -> Option<Node<'_>> {
        self.root().pointer(pointer)
    }

    fn slot(&self, id: NodeId) -> Slot {
        self.slots.get(id as usize).copied().unwrap_or(Slot::Null)
    }

    fn str(&self, s: Str) -> &str {
        resolve(&self.text, self.source.as_deref(), s)
    }

    /// Whether the string `s` is `key`, as `self.str(s) == key` says, on the bytes: the
    /// lengths decide most keys, and no character boundary is checked. Every field a rule or
    /// a schema looks up is such a comparison, for every entry before the one it finds.
    fn is(&self, s: Str, key: &str) -> bool {
        if s.len as usize != key.len() {
            return false;
        }
        if key.is_empty() {
            return true;
        }
        let (text, start) = if s.start & IN_SOURCE != 0 {
            (
                self.source.as_deref().unwrap_or(""),
                (s.start & !IN_SOURCE) as usize,
            )
        } else {
            (&*self.text, s.start as usize)
        };
        // A range off a character boundary holds no valid `&str`'s bytes, as `resolve`
        // gives "" for it.
        text.as_bytes().get(start..start + key.len()) == Some(key.as_bytes())
    }
}

/// A value inside a [`Tree`]: a cheap, copyable handle.
#[derive(Clone, Copy)]
pub struct Node<'a> {
    tree: &'a Tree,
    id: NodeId,
}

/// What a node holds, for `match`.
#[derive(Debug, Clone)]
pub enum View<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(&'a str),
    Array(Items<'a>),
    Object(Members<'a>),
}

impl fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.to_value(), f)
    }
}

impl fmt::Display for Node<'_> {
    /// The value as JSON text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.to_value(), f)
    }
}

impl PartialEq for Node<'_> {
    /// Structural equality, as JSON values (numbers compared as `serde_json` does).
    fn eq(&self, other: &Self) -> bool {
        match (self.view(), other.view()) {
            (View::Null, View::Null) => true,
            (View::Bool(a), View::Bool(b)) => a == b,
            (View::Number(a), View::Number(b)) => a == b,
            (View::String(a), View::String(b)) => a == b,
            (View::Array(a), View::Array(b)) => a.len() == b.len() && a.zip(b).all(|(x, y)| x == y),
            (View::Object(a), View::Object(b)) => {
                a.len() == b.len() && a.into_iter().all(|(k, v)| b.get(k) == Some(v))
            }
            _ => false,
        }
    }
}

impl<'a> Node<'a> {
    pub fn view(self) -> View<'a> {
        match self.tree.slot(self.id) {
            Slot::Null => View::Null,
            Slot::Bool(b) => View::Bool(b),
            Slot::Number(n) => View::Number(n.number()),
            Slot::String(s) => View::String(self.tree.str(s)),
            Slot::Array { start, len } => View::Array(Items {
                tree: self.tree,
                next: start,
                end: start.saturating_add(len),
            }),
            Slot::Object { start, len } => View::Object(Members {
                tree: self.tree,
                next: start,
                end: start.saturating_add(len),
            }),
        }
    }

    /// Identifies the node within its tree (aliases of one anchor share it).
    pub fn id(self) -> NodeId {
        self.id
    }

    /// The address of the tree, which with [`Node::id`] tells nodes of one run apart.
    pub fn tree_address(self) -> usize {
        std::ptr::from_ref(self.tree) as usize
    }

    pub fn as_str(self) -> Option<&'a str> {
        match self.view() {
            View::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_number(self) -> Option<Number> {
        match self.tree.slot(self.id) {
            Slot::Number(n) => Some(n.number()),
            _ => None,
        }
    }

    pub fn as_f64(self) -> Option<f64> {
        match self.tree.slot(self.id) {
            Slot::Number(Num::PosInt(u)) => Some(u as f64),
            Slot::Number(Num::NegInt(i)) => Some(i as f64),
            Slot::Number(Num::Float(f)) => Some(f),
            _ => None,
        }
    }

    pub fn as_bool(self) -> Option<bool> {
        match self.tree.slot(self.id) {
            Slot::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_array(self) -> Option<Items<'a>> {
        match self.view() {
            View::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(self) -> Option<Members<'a>> {
        match self.view() {
            View::Object(members) => Some(members),
            _ => None,
        }
    }

    pub fn is_null(self) -> bool {
        matches!(self.tree.slot(self.id), Slot::Null)
    }

    pub fn is_string(self) -> bool {
        matches!(self.tree.slot(self.id), Slot::String(_))
    }

    pub fn is_object(self) -> bool {
        matches!(self.tree.slot(self.id), Slot::Object { .. })
    }

    pub fn is_array(self) -> bool {
        matches!(self.tree.slot(self.id), Slot::Array { .. })
    }

    /// The member `key` of a mapping.
    pub fn get(self, key: &str) -> Option<Node<'a>> {
        self.as_object()?.get(key)
    }

    /// The value at a JSON pointer, `~0`/`~1` escapes included.
    pub fn pointer(self, pointer: &str) -> Option<Node<'a>> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut cur = self;
        for seg in pointer.strip_prefix('/')?.split('/') {
            let unescaped;
            let seg = if seg.as_bytes().contains(&b'~') {
                unescaped = seg.replace("~1", "/").replace("~0", "~");
                unescaped.as_str()
            } else {
                seg
            };
            cur = cur.child(seg)?;
        }
        Some(cur)
    }

    /// One step of a pointer: a mapping's entry or a list's item. Rules look up a handful
    /// of fields in every entity, so this reads the slots directly.
    fn child(self, seg: &str) -> Option<Node<'a>> {
        let tree = self.tree;
        let id = match tree.slot(self.id) {
            Slot::Object { start, len } => {
                let members = tree
                    .members
                    .get(start as usize..start.saturating_add(len) as usize)?;
                members.iter().find(|m| tree.is(m.key, seg))?.value
            }
            Slot::Array { start, len } => {
                // JSON pointer indices have no sign and no leading zeros.
                if seg.starts_with('+') || (seg.len() > 1 && seg.starts_with('0')) {
                    return None;
                }
                let i: u32 = seg.parse().ok()?;
                if i >= len {
                    return None;
                }
                *tree.items.get(start.saturating_add(i) as usize)?
            }
            _ => return None,
        };
        Some(Node { tree, id })
    }

    /// The same value as a `serde_json::Value`: for settings, messages and tests, never
    /// on the hot path.
    pub fn to_value(self) -> Value {
        match self.view() {
            View::Null => Value::Null,
            View::Bool(b) => Value::Bool(b),
            View::Number(n) => Value::Number(n),
            View::String(s) => Value::String(s.to_owned()),
            View::Array(items) => Value::Array(items.map(Node::to_value).collect()),
            View::Object(members) => {
                let mut map = Map::with_capacity(members.len());
                for (k, v) in members {
                    map.insert(k.to_owned(), v.to_value());
                }
                Value::Object(map)
            }
        }
    }
}

/// The items of a list, in order.
#[derive(Clone, Copy)]
pub struct Items<'a> {
    tree: &'a Tree,
    next: u32,
    end: u32,
}

impl fmt::Debug for Items<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(*self).finish()
    }
}

impl<'a> Items<'a> {
    /// The items from the first (a fresh copy of the iterator).
    pub fn iter(&self) -> Items<'a> {
        *self
    }

    pub fn get(&self, index: usize) -> Option<Node<'a>> {
        let i = (self.next as usize).checked_add(index)?;
        if i >= self.end as usize {
            return None;
        }
        let id = *self.tree.items.get(i)?;
        Some(Node {
            tree: self.tree,
            id,
        })
    }

    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.next) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.next >= self.end
    }
}

impl<'a> Iterator for Items<'a> {
    type Item = Node<'a>;

    fn next(&mut self) -> Option<Node<'a>> {
        let node = self.get(0)?;
        self.next += 1;
        Some(node)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.end.saturating_sub(self.next) as usize;
        (n, Some(n))
    }
}

impl ExactSizeIterator for Items<'_> {}

/// The entries of a mapping, in the order they are written.
#[derive(Clone, Copy)]
pub struct Members<'a> {
    tree: &'a Tree,
    next: u32,
    end: u32,
}

impl fmt::Debug for Members<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(*self).finish()
    }
}

impl<'a> Members<'a> {
    /// The entries from the first (a fresh copy of the iterator).
    pub fn iter(&self) -> Members<'a> {
        *self
    }

    fn slice(&self) -> &'a [Member] {
        self.tree
            .members
            .get(self.next as usize..self.end as usize)
            .unwrap_or(&[])
    }

    /// The entry `key`. A linear scan: catalogue mappings hold a handful of keys, and
    /// comparing a few short strings beats hashing them.
    pub fn get(&self, key: &str) -> Option<Node<'a>> {
        self.slice()
            .iter()
            .find(|m| self.tree.is(m.key, key))
            .map(|m| Node {
                tree: self.tree,
                id: m.value,
            })
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.next) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.next >= self.end
    }
}

impl<'a> Iterator for Members<'a> {
    type Item = (&'a str, Node<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let m = *self.slice().first()?;
        self.next += 1;
        Some((
            self.tree.str(m.key),
            Node {
                tree: self.tree,
                id: m.value,
            },
        ))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.end.saturating_sub(self.next) as usize;
        (n, Some(n))
    }
}

impl ExactSizeIterator for Members<'_> {}

mod build;
pub(crate) mod persist;

pub use build::{KeyRef, ScalarKind, TreeBuilder};

#[cfg(test)]
mod tests;
