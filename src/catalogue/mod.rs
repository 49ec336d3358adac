//! Stage 3: the catalogue index. Every loaded document becomes an [`Entity`] of a known
//! kind (or an `unknown-kind` finding), indexed by id once, so that catalogue-wide rules
//! look entities up in constant time instead of scanning.

pub mod backstage;
mod references;
mod update;

use std::collections::HashMap;
use std::ops::Range;

use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::load::{Document, Node, View};
use crate::source::{FileId, Files, Location};

// Shared with the loader below this stage, which shortens text for its messages too.
pub use crate::source::clip;

pub use references::{FIELDS as REFERENCE_FIELDS, Names, Reference};

pub const API_VERSION: &str = "catalogue/v1";

mod kind;
pub use kind::{DeclaredName, Format, Kind, Kinds, join_words};

/// A document of one file, as loaded.
#[derive(Debug, Clone)]
pub struct SourceDocument {
    pub file: FileId,
    pub doc: Document,
}

/// One entity of the catalogue: a document of a known kind.
#[derive(Debug, Clone)]
pub struct Entity {
    pub kind: Kind,
    /// `metadata.id` when it is a string; entities without one are validated but not indexed.
    pub id: Option<String>,
    /// Index into [`Catalogue::documents`].
    pub document: usize,
}

/// The whole catalogue: files, documents, entities, and the index by id. Cloned only by
/// `catalint diff`, which keeps BASE's catalogue while the workspace moves on to HEAD.
#[derive(Debug, Default, Clone)]
pub struct Catalogue {
    pub files: Files,
    pub documents: Vec<SourceDocument>,
    pub entities: Vec<Entity>,
    /// The first entity of each id.
    by_id: HashMap<Box<str>, usize>,
    /// Every entity of the ids that name more than one, in file order. Kept apart so that
    /// the usual case (one entity per id) costs one map entry and no list.
    shared_ids: HashMap<Box<str>, Vec<usize>>,
}

/// An entity with its document and file, the view rules work on.
#[derive(Debug, Clone, Copy)]
pub struct EntityRef<'c> {
    pub index: usize,
    pub entity: &'c Entity,
    pub source: &'c SourceDocument,
}

impl<'c> EntityRef<'c> {
    pub fn kind(&self) -> Kind {
        self.entity.kind
    }

    pub fn id(&self) -> &'c str {
        self.entity.id.as_deref().unwrap_or("")
    }

    pub fn value(&self) -> Node<'c> {
        self.source.doc.value.root()
    }

    pub fn file(&self) -> FileId {
        self.source.file
    }

    /// The value at `pointer`, if present.
    pub fn get(&self, pointer: &str) -> Option<Node<'c>> {
        self.value().pointer(pointer)
    }

    pub fn str_at(&self, pointer: &str) -> Option<&'c str> {
        self.get(pointer).and_then(Node::as_str)
    }

    /// Where the value at `pointer` is written (for an aliased value: the use site). A
    /// missing pointer falls back to the key of its nearest written ancestor.
    pub fn value_span(&self, pointer: &str) -> Range<usize> {
        self.source.doc.value_span(pointer)
    }

    /// The key of the entry at `pointer` (its value span for list items and the root).
    pub fn key_span(&self, pointer: &str) -> Range<usize> {
        self.source.doc.key_span(pointer)
    }

    /// Where a field missing from the mapping at `parent` is reported: the key of that
    /// mapping (e.g. `spec:`), or the document's first line for the root.
    pub fn missing_span(&self, parent: &str) -> Range<usize> {
        self.source.doc.missing_span(parent)
    }

    pub fn at_value(&self, pointer: &str) -> Location {
        Location::new(self.file(), self.value_span(pointer))
    }

    pub fn at_key(&self, pointer: &str) -> Location {
        Location::new(self.file(), self.key_span(pointer))
    }

    pub fn at_missing(&self, parent: &str) -> Location {
        Location::new(self.file(), self.missing_span(parent))
    }

    /// For a value that came through an alias: where the anchor wrote it.
    pub fn written_at(&self, pointer: &str) -> Option<Location> {
        self.source
            .doc
            .spans()
            .resolve(pointer)
            .and_then(|r| r.written_at)
            .map(|s| Location::new(self.file(), s))
    }
}

impl Catalogue {
    pub fn entity(&self, index: usize) -> EntityRef<'_> {
        let entity = &self.entities[index];
        EntityRef {
            index,
            entity,
            source: &self.documents[entity.document],
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = EntityRef<'_>> {
        (0..self.entities.len()).map(|i| self.entity(i))
    }

    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = EntityRef<'_>> {
        self.iter().filter(move |e| e.kind() == kind)
    }

    /// Every entity with this id, in file order (more than one is a `unique-id` finding).
    pub fn by_id(&self, id: &str) -> impl Iterator<Item = EntityRef<'_>> {
        let shared = if self.shared_ids.is_empty() {
            None
        } else {
            self.shared_ids.get(id)
        };
        let single = match shared {
            Some(_) => None,
            None => self.by_id.get(id).copied(),
        };
        single
            .into_iter()
            .chain(shared.into_iter().flatten().copied())
            .map(|i| self.entity(i))
    }

    /// The first entity with this id.
    pub fn get(&self, id: &str) -> Option<EntityRef<'_>> {
        self.by_id(id).next()
    }

    /// The first entity with this id and kind.
    pub fn get_kind(&self, id: &str, kind: Kind) -> Option<EntityRef<'_>> {
        self.by_id(id).find(|e| e.kind() == kind)
    }

    /// Ids that name more than one entity, each with its entities in file order.
    pub fn duplicate_ids(&self) -> impl Iterator<Item = (&str, &[usize])> {
        self.shared_ids.iter().map(|(k, v)| (&**k, v.as_slice()))
    }

    /// The files and documents, for a new index over them after some changed.
    pub fn into_parts(self) -> (Files, Vec<SourceDocument>) {
        (self.files, self.documents)
    }

    /// Builds the index from loaded documents; documents that are not entities of a known
    /// kind give findings instead. Documents must already be in file order.
    /// `kinds` are the kinds the policy knows.
    pub fn build(
        files: Files,
        documents: Vec<SourceDocument>,
        kinds: &Kinds,
    ) -> (Catalogue, Vec<Diagnostic>) {
        let (entities, diagnostics) = update::classify_all(&documents, 0, kinds);
        let mut by_id: HashMap<Box<str>, usize> = HashMap::with_capacity(entities.len());
        let mut shared_ids: HashMap<Box<str>, Vec<usize>> = HashMap::new();
        for (i, e) in entities.iter().enumerate() {
            let Some(id) = e.id.as_deref() else { continue };
            match by_id.get(id) {
                None => {
                    by_id.insert(id.into(), i);
                }
                Some(&first) => shared_ids
                    .entry(id.into())
                    .or_insert_with(|| vec![first])
                    .push(i),
            }
        }
        let catalogue = Catalogue {
            files,
            documents,
            entities,
            by_id,
            shared_ids,
        };
        (catalogue, diagnostics)
    }
}

/// Decides the kind of a document: `Ok(None)` for an empty document, a finding for a
/// document that is not a catalogue entity.
fn classify(source: &SourceDocument, kinds: &Kinds) -> Result<Option<Kind>, Box<Diagnostic>> {
    let doc = &source.doc;
    if !doc.complete {
        return Ok(None);
    }
    let at = |pointer: &str| Location::new(source.file, doc.value_span(pointer));
    let map = match doc.value.root().view() {
        View::Null => return Ok(None),
        View::Object(map) => map,
        other => {
            let what = match other {
                View::Array(_) => "a list",
                _ => "a single value",
            };
            return Err(Box::new(
                Diagnostic::new(
                    crate::diagnostic::ids::SCHEMA,
                    Severity::Error,
                    format!("this document is {what}, not a catalogue entity"),
                    Label::new(at(""), format!("{what} where a mapping is expected")),
                )
                .with_pointer("")
                .with_help(format!(
                    "a catalogue document is a mapping: `apiVersion: catalogue/v1`, \
                     `kind: {}`, `metadata:` and `spec:`",
                    kinds.all().map(Kind::as_str).collect::<Vec<_>>().join("|")
                )),
            ));
        }
    };
    let unknown = |message: String, pointer: &str, label: &str, help: String| {
        Box::new(
            Diagnostic::new(
                crate::diagnostic::ids::UNKNOWN_KIND,
                Severity::Error,
                message,
                Label::new(at(pointer), label),
            )
            .with_pointer(pointer)
            .with_help(help),
        )
    };
    if kinds.format() == Format::Backstage {
        return backstage_kind(map, kinds, &unknown);
    }
    match map.get("apiVersion").map(Node::view) {
        Some(View::String(v)) if v == API_VERSION => {}
        Some(v) => {
            return Err(unknown(
                format!("unknown apiVersion {}", show_view(&v)),
                "/apiVersion",
                "not a version catalint knows",
                match v {
                    View::String(b) if backstage::all_api_versions().any(|x| x == b) => {
                        "this is a Backstage entity: lint a Backstage catalogue with the `backstage` \
                         profile (`--policy backstage`, or `policy: backstage` in catalint.yaml)"
                            .to_owned()
                    }
                    _ => format!("write `apiVersion: {API_VERSION}`"),
                },
            ));
        }
        None => {
            return Err(unknown(
                "the document has no `apiVersion`".into(),
                "",
                "no apiVersion in this document",
                format!("start the document with `apiVersion: {API_VERSION}`"),
            ));
        }
    }
    match map.get("kind").map(Node::view) {
        Some(View::String(k)) => match kinds.parse(k) {
            Some(kind) => Ok(Some(kind)),
            None => {
                let near = crate::suggest::nearest(k, kinds.all().map(Kind::as_str));
                let help = match near {
                    Some(n) => {
                        format!("did you mean `kind: {n}`? kinds are {}", kinds.words("and"))
                    }
                    None => format!("the kinds are {}", kinds.words("and")),
                };
                Err(unknown(
                    format!("unknown kind `{k}`"),
                    "/kind",
                    &format!("not {}", kinds.words("or")),
                    help,
                ))
            }
        },
        Some(v) => Err(unknown(
            format!("`kind` must be a string, found {}", show_view(&v)),
            "/kind",
            "not a kind",
            format!("write {}", kinds.written()),
        )),
        None => Err(unknown(
            "the document has no `kind`".into(),
            "",
            "no kind in this document",
            format!("add {}", kinds.written()),
        )),
    }
}

/// The kind of a Backstage document: a kind of the format, in one of its versions.
fn backstage_kind(
    map: crate::load::Members<'_>,
    kinds: &Kinds,
    unknown: &dyn Fn(String, &str, &str, String) -> Box<Diagnostic>,
) -> Result<Option<Kind>, Box<Diagnostic>> {
    let versions: Vec<&str> = backstage::all_api_versions().collect();
    let version = match map.get("apiVersion").map(Node::view) {
        Some(View::String(v)) if versions.contains(&v) => v,
        Some(v) => {
            let near = match v {
                View::String(s) => crate::suggest::nearest(s, versions.iter().copied()),
                _ => None,
            };
            return Err(unknown(
                format!("unknown apiVersion {}", show_view(&v)),
                "/apiVersion",
                "not a Backstage version catalint knows",
                match near {
                    Some(n) => format!("did you mean `apiVersion: {n}`?"),
                    None => format!(
                        "write `apiVersion: {}` ({} for a Template)",
                        versions[0],
                        versions[versions.len() - 1]
                    ),
                },
            ));
        }
        None => {
            return Err(unknown(
                "the document has no `apiVersion`".into(),
                "",
                "no apiVersion in this document",
                format!("start the document with `apiVersion: {}`", versions[0]),
            ));
        }
    };
    let kind = match map.get("kind").map(Node::view) {
        Some(View::String(k)) => match kinds.parse(k) {
            Some(kind) => kind,
            None => {
                let help = match crate::suggest::nearest(k, kinds.all().map(Kind::as_str)) {
                    Some(n) => {
                        format!("did you mean `kind: {n}`? kinds are {}", kinds.words("and"))
                    }
                    None => format!("the kinds are {}", kinds.words("and")),
                };
                return Err(unknown(
                    format!("unknown kind `{k}`"),
                    "/kind",
                    "not a Backstage kind",
                    help,
                ));
            }
        },
        Some(v) => {
            return Err(unknown(
                format!("`kind` must be a string, found {}", show_view(&v)),
                "/kind",
                "not a kind",
                "write `kind: Component` (or API, Resource, System, Domain, Group, User, Location, Template)".into(),
            ));
        }
        None => {
            return Err(unknown(
                "the document has no `kind`".into(),
                "",
                "no kind in this document",
                "add `kind: Component` (or API, Resource, System, Domain, Group, User, Location, Template)".into(),
            ));
        }
    };
    let allowed = backstage::api_versions(kind);
    if !allowed.contains(&version) {
        return Err(unknown(
            format!("a {} is not written in `{version}`", kind.as_str()),
            "/apiVersion",
            "not this kind's version",
            format!("write `apiVersion: {}`", allowed[0]),
        ));
    }
    Ok(Some(kind))
}

/// A short, human rendering of a value for messages: `the string "x"`, `the number 4`.
pub fn show(v: Node<'_>) -> String {
    show_view(&v.view())
}

/// [`show`] for a JSON value (what schema errors carry).
pub fn show_json(v: &serde_json::Value) -> String {
    show(crate::load::Tree::from_value(v).root())
}

fn show_view(v: &View<'_>) -> String {
    match v {
        View::Null => "an empty value (null)".into(),
        View::Bool(b) => format!("the boolean `{b}`"),
        View::Number(n) => format!("the number `{n}`"),
        View::String("") => "an empty string".into(),
        View::String(s) => format!("the string `{}`", clip(s, 60)),
        View::Array(a) if a.is_empty() => "an empty list".into(),
        View::Array(_) => "a list".into(),
        View::Object(_) => "a mapping".into(),
    }
}

/// "a business", "an infrastructure": for messages that name a category.
pub fn with_article(word: &str) -> String {
    let vowel = word
        .chars()
        .next()
        .is_some_and(|c| "aeiouAEIOU".contains(c));
    format!("{} {word}", if vowel { "an" } else { "a" })
}
