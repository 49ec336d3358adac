//! The ids of each kind kept from one check to the next, for "did you mean": a workspace
//! takes a changed file's ids out and its new ones in, where a check on its own indexes the
//! ids of a kind afresh the first time a broken reference to that kind asks (a rename whose
//! dependants now dangle would index every service on every keystroke).
//!
//! The answers are those of [`super::Context::nearest_id`] over the catalogue as it is: of
//! equally close ids, the shortest, then the first in catalogue order. Catalogue order is
//! where an entity's file stands in the index's file order, then its document in the file;
//! a key made of the two stays right while files are edited in place (a file that comes or
//! goes changes where the files after it stand: the workspace builds this again then).

use std::collections::{BTreeMap, HashMap};

use crate::catalogue::Kind;
use crate::suggest::Live;

/// Where an entity stands in catalogue order: (its file's place in the index's file order,
/// its document's place in the file).
pub type Place = (u32, u32);

/// (length in characters, place): the order ids are preferred in.
type Key = (u32, u32, u32);

/// The ids of each kind, as "did you mean" and the reference fixes look them up.
#[derive(Default)]
pub struct KeptIds {
    kinds: HashMap<Kind, OfKind>,
}

#[derive(Default)]
struct OfKind {
    near: Live<Key>,
    /// By key: the ids of about an input's length, in the order a fix considers them.
    by_length: BTreeMap<Key, Box<str>>,
}

fn key(id: &str, (file, document): Place) -> Key {
    let chars = u32::try_from(id.chars().count()).unwrap_or(u32::MAX);
    (chars, file, document)
}

impl KeptIds {
    pub fn insert(&mut self, kind: Kind, id: &str, place: Place) {
        let of_kind = self.kinds.entry(kind).or_default();
        let key = key(id, place);
        of_kind.near.insert(id, key);
        of_kind.by_length.insert(key, id.into());
    }

    pub fn remove(&mut self, kind: Kind, id: &str, place: Place) {
        let Some(of_kind) = self.kinds.get_mut(&kind) else {
            return;
        };
        let key = key(id, place);
        of_kind.near.remove(id, key);
        if of_kind
            .by_length
            .get(&key)
            .is_some_and(|kept| **kept == *id)
        {
            of_kind.by_length.remove(&key);
        }
    }

    /// How many ids it holds, of every kind.
    pub fn len(&self) -> usize {
        self.kinds.values().map(|k| k.by_length.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The id of `kind` closest to `input` among those within `reach` characters of its
    /// length (see [`crate::suggest::Index::nearest_within`]).
    pub(super) fn nearest(&self, kind: Kind, input: &str, reach: usize) -> Option<&str> {
        self.kinds.get(&kind)?.near.nearest_within(input, reach)
    }

    /// The ids of `kind` whose length in characters lies in `lengths`: shorter ones first,
    /// then in catalogue order.
    pub(super) fn of_lengths(
        &self,
        kind: Kind,
        lengths: std::ops::RangeInclusive<usize>,
    ) -> impl Iterator<Item = &str> {
        let clamp = |l: usize| u32::try_from(l).unwrap_or(u32::MAX);
        let (lo, hi) = (clamp(*lengths.start()), clamp(*lengths.end()));
        self.kinds.get(&kind).into_iter().flat_map(move |k| {
            k.by_length
                .range((lo, 0, 0)..=(hi, u32::MAX, u32::MAX))
                .map(|(_, id)| &**id)
        })
    }
}
