//! What lies under the cursor in a checked file: the entity, the JSON pointer of the key
//! or value, and, for a reference value, what it names. Navigation, hover and rename start
//! here; completion, which must work on text that does not parse, reads the text itself
//! ([`super::completion`]).

use std::ops::Range;

use crate::catalogue::{Catalogue, EntityRef, Kind, Names, Reference};
use crate::load::{Node, View, push_segment};
use crate::policy::Policy;
use crate::source::FileId;

/// A key or a value of an entity, at the cursor.
#[derive(Debug, Clone)]
pub struct At<'c> {
    pub entity: EntityRef<'c>,
    pub pointer: String,
    /// On the key of a mapping entry rather than on its value.
    pub on_key: bool,
    /// The key's or the value's bytes.
    pub span: Range<usize>,
}

/// The entity whose document holds byte `offset` of `file`.
pub fn entity_at(catalogue: &Catalogue, file: FileId, offset: usize) -> Option<EntityRef<'_>> {
    catalogue
        .iter()
        .filter(|e| e.file() == file)
        .find(|e| e.source.doc.span.start <= offset && offset <= e.source.doc.span.end)
}

/// The innermost key or scalar value at byte `offset` (the end of a word counts, so that
/// the cursor just after what was typed finds it).
pub fn at(catalogue: &Catalogue, file: FileId, offset: usize) -> Option<At<'_>> {
    let entity = entity_at(catalogue, file, offset)?;
    let spans = entity.source.doc.spans();
    let mut best: Option<At<'_>> = None;
    // Depth-first over the tree; a deeper match always lies inside a shallower one.
    let mut stack: Vec<(String, Node<'_>)> = vec![(String::new(), entity.value())];
    while let Some((pointer, node)) = stack.pop() {
        let children: Vec<(String, Node<'_>)> = match node.view() {
            View::Object(members) => members
                .into_iter()
                .map(|(k, v)| (push_segment(&pointer, k), v))
                .collect(),
            View::Array(items) => items
                .enumerate()
                .map(|(i, v)| (format!("{pointer}/{i}"), v))
                .collect(),
            _ => Vec::new(),
        };
        for (child, value) in children {
            let Some(span) = spans.get(&child) else {
                continue;
            };
            let inside = |r: &Range<usize>| r.start <= offset && offset <= r.end;
            if let Some(key) = span.key.as_ref().filter(|k| inside(k)) {
                best = Some(At {
                    entity,
                    pointer: child.clone(),
                    on_key: true,
                    span: key.clone(),
                });
            } else if inside(&span.value) {
                let scalar = !matches!(value.view(), View::Object(_) | View::Array(_));
                if scalar {
                    best = Some(At {
                        entity,
                        pointer: child.clone(),
                        on_key: false,
                        span: span.value.clone(),
                    });
                }
                stack.push((child, value));
            }
        }
    }
    best
}

/// Every reference an entity writes: the built-in reference fields, then the `references`
/// of the policy's custom rules that apply to its kind.
pub fn references<'c>(e: EntityRef<'c>, policy: &Policy) -> Vec<Reference<'c>> {
    let mut out = e.references();
    for rule in &policy.custom_rules {
        if !rule.kinds().contains(&e.kind()) {
            continue;
        }
        for r in &rule.def.references {
            if let Some(kind) = Kind::parse(&r.kind) {
                e.strings_at(&r.path, Names::Entity(kind), &mut out);
            }
        }
    }
    out
}

/// The reference written at `pointer` of `e`, if that place is one.
pub fn reference_at<'c>(e: EntityRef<'c>, pointer: &str, policy: &Policy) -> Option<Reference<'c>> {
    references(e, policy)
        .into_iter()
        .find(|r| r.pointer == pointer)
}

/// Where a reference leads: the entity (of the wanted kind when there is one, else any with
/// the id) and the pointer of the named value (`/metadata/id`, or an offering's name).
pub fn target<'c>(
    catalogue: &'c Catalogue,
    from: EntityRef<'c>,
    r: &Reference<'_>,
) -> Option<(EntityRef<'c>, String)> {
    match r.names {
        Names::Entity(kind) => {
            let e = catalogue
                .get_kind(r.value, kind)
                .or_else(|| catalogue.get(r.value))?;
            Some((e, "/metadata/id".to_owned()))
        }
        Names::Offering => Some((from, from.offering(r.value)?)),
    }
}

/// What a place names, when it names an entity or an offering: a reference's target, or
/// the entity itself on its own `metadata.id` (or the offering on its name).
pub fn named<'c>(
    catalogue: &'c Catalogue,
    at: &At<'c>,
    policy: &Policy,
) -> Option<(EntityRef<'c>, String)> {
    if at.on_key {
        return None;
    }
    if at.pointer == "/metadata/id" {
        return Some((at.entity, at.pointer.clone()));
    }
    if is_offering_name(&at.pointer) {
        return Some((at.entity, at.pointer.clone()));
    }
    let r = reference_at(at.entity, &at.pointer, policy)?;
    target(catalogue, at.entity, &r)
}

fn is_offering_name(pointer: &str) -> bool {
    pointer
        .strip_prefix("/spec/offerings/")
        .and_then(|rest| rest.strip_suffix("/name"))
        .is_some_and(|i| i.parse::<usize>().is_ok())
}

/// Every place that names `target` (an entity's `metadata.id`, or an offering's name):
/// the references across the catalogue, each as its entity and pointer.
pub fn referrers<'c>(
    catalogue: &'c Catalogue,
    policy: &Policy,
    target: EntityRef<'c>,
    pointer: &str,
) -> Vec<(EntityRef<'c>, String)> {
    if is_offering_name(pointer) {
        let Some(name) = target.str_at(pointer) else {
            return Vec::new();
        };
        return references(target, policy)
            .into_iter()
            .filter(|r| r.names == Names::Offering && r.value == name)
            .map(|r| (target, r.pointer))
            .collect();
    }
    let id = target.id();
    let mut out = Vec::new();
    for e in catalogue.iter() {
        for r in references(e, policy) {
            if matches!(r.names, Names::Entity(_)) && r.value == id {
                out.push((e, r.pointer));
            }
        }
    }
    out
}
