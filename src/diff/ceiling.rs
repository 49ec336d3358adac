//! What a service may promise, given its hard dependencies: the product of the availability
//! targets of its whole hard-dependency closure, each service once (the availability rule's
//! `scope: transitive`, with its exact decimals). Computed on both sides only for the
//! services a change can reach: those whose target or hard dependencies changed, and every
//! service that depends on one of them hard, however far up.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::side::Side;
use super::{Change, ChangeKind};
use crate::catalogue::{Format, Kind};
use crate::rules::availability_exceeds_dependencies::written_target;
use crate::rules::percent::Decimal;

/// A side's services and their dependencies, by id.
pub(super) struct Graph {
    index: HashMap<String, usize>,
    ids: Vec<String>,
    entity: Vec<usize>,
    targets: Vec<Option<Decimal>>,
    /// Hard dependencies that resolve to a service of this side.
    hard: Vec<Vec<usize>>,
    /// Who depends on each service: (dependant, hard).
    dependants: Vec<Vec<(usize, bool)>>,
}

impl Graph {
    /// The graph of `side`; `other` is the side it is compared with.
    pub fn of(side: &Side, other: &Side) -> Graph {
        let catalogue = &side.outcome.catalogue;
        // A target as written (exact beyond an f64's digits) needs the document's spans,
        // which are built by parsing the file again: for a 10,000-file catalogue that cost
        // more than both checks. A file whose text is the same on both sides reads the same
        // number on both, so its parsed value is enough there; the text is read where the
        // file changed.
        let theirs: HashMap<&str, &Arc<str>> = other
            .outcome
            .catalogue
            .files
            .iter()
            .map(|(_, f)| (f.path.as_str(), &f.text))
            .collect();
        let mut g = Graph {
            index: HashMap::new(),
            ids: Vec::new(),
            entity: Vec::new(),
            targets: Vec::new(),
            hard: Vec::new(),
            dependants: Vec::new(),
        };
        if side.outcome.policy.kinds.format() == Format::Backstage {
            return g;
        }
        for e in catalogue.of_kind(Kind::Service) {
            // An id two entities share is named as a collision, not guessed at here.
            if side.single(&format!("Service:{}", e.id())).is_none() {
                continue;
            }
            g.index.insert(e.id().to_owned(), g.ids.len());
            g.ids.push(e.id().to_owned());
            g.entity.push(e.index);
            let file = catalogue.files.get(e.file());
            // Sides checked by one workspace share an unchanged file's text.
            let same = theirs
                .get(file.path.as_str())
                .is_some_and(|t| Arc::ptr_eq(t, &file.text) || **t == file.text);
            g.targets.push(match same {
                true => e
                    .get("/spec/serviceLevels/availability/target")
                    .and_then(|n| n.as_number())
                    .filter(|n| n.as_f64().is_some_and(|t| t.is_finite() && t > 0.0))
                    .and_then(|n| Decimal::from_number(&n)),
                false => written_target(&catalogue.files, e),
            });
        }
        g.hard = vec![Vec::new(); g.ids.len()];
        g.dependants = vec![Vec::new(); g.ids.len()];
        for (i, &ei) in g.entity.iter().enumerate() {
            let e = catalogue.entity(ei);
            let Some(deps) = e.get("/spec/dependencies").and_then(|n| n.as_array()) else {
                continue;
            };
            for dep in deps.iter() {
                let Some(&j) = dep
                    .get("service")
                    .and_then(|n| n.as_str())
                    .and_then(|s| g.index.get(s))
                else {
                    continue;
                };
                let hard = dep.get("kind").and_then(|n| n.as_str()) == Some("hard");
                if hard && !g.hard[i].contains(&j) {
                    g.hard[i].push(j);
                }
                g.dependants[j].push((i, hard));
            }
        }
        g
    }

    /// The services that name `id` as a dependency, sorted, with whether hard.
    pub fn dependants_of(&self, id: &str) -> Vec<(String, bool)> {
        let Some(&i) = self.index.get(id) else {
            return Vec::new();
        };
        let mut out: Vec<(String, bool)> = self.dependants[i]
            .iter()
            .map(|&(d, hard)| (self.ids[d].clone(), hard))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    fn hard_ids(&self, i: usize) -> Vec<&str> {
        let mut v: Vec<&str> = self.hard[i].iter().map(|&j| self.ids[j].as_str()).collect();
        v.sort_unstable();
        v
    }

    /// What the closure allows, or `None` when a service in it has no target (then nothing
    /// is known, as the rule skips it) or it is empty (nothing bounds the service).
    fn allowed(&self, i: usize) -> Allowed {
        let mut seen = HashSet::from([i]);
        let mut stack = self.hard[i].clone();
        let mut parts = Vec::new();
        while let Some(j) = stack.pop() {
            if !seen.insert(j) {
                continue;
            }
            match &self.targets[j] {
                Some(t) => parts.push(t),
                None => return Allowed::Unknown,
            }
            stack.extend(self.hard[j].iter().copied());
        }
        match Decimal::product_of_percents(parts) {
            Some(d) => Allowed::Bound(d),
            None => Allowed::Unbounded,
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Allowed {
    Unbounded,
    Bound(Decimal),
    Unknown,
}

/// A change to what a service may promise, for the service in HEAD.
pub(super) struct AllowedChange {
    pub head_index: usize,
    pub change: Change,
    /// The services whose own change moved it (their target or hard dependencies).
    pub because_of: Vec<String>,
    /// Its own target is above what is allowed now, and was not before.
    pub now_exceeds: bool,
}

pub(super) fn changes(base: &Side, head: &Side, bg: &Graph, hg: &Graph) -> Vec<AllowedChange> {
    // Seeds: services whose own part of any closure changed.
    let mut seeds: Vec<&str> = Vec::new();
    for (id, &hi) in &hg.index {
        let changed = match bg.index.get(id) {
            None => true,
            Some(&bi) => bg.targets[bi] != hg.targets[hi] || bg.hard_ids(bi) != hg.hard_ids(hi),
        };
        if changed {
            seeds.push(id);
        }
    }
    seeds.extend(
        bg.index
            .keys()
            .filter(|id| !hg.index.contains_key(*id))
            .map(String::as_str),
    );
    seeds.sort_unstable();
    // Everything that depends on a seed hard, on either side, and the seeds it reaches.
    let mut reached: HashMap<&str, Vec<&str>> = HashMap::new();
    for &seed in &seeds {
        for g in [bg, hg] {
            let Some(&start) = g.index.get(seed) else {
                continue;
            };
            let mut stack = vec![start];
            let mut seen = HashSet::new();
            while let Some(i) = stack.pop() {
                if !seen.insert(i) {
                    continue;
                }
                let list = reached.entry(g.ids[i].as_str()).or_default();
                if i != start && !list.contains(&seed) {
                    list.push(seed);
                }
                stack.extend(g.dependants[i].iter().filter(|(_, h)| *h).map(|(d, _)| *d));
            }
        }
    }
    let mut ids: Vec<&str> = reached.keys().copied().collect();
    ids.sort_unstable();
    let mut out = Vec::new();
    for id in ids {
        let (Some(&bi), Some(&hi)) = (bg.index.get(id), hg.index.get(id)) else {
            continue;
        };
        let (before, after) = (bg.allowed(bi), hg.allowed(hi));
        let lowered = match (&before, &after) {
            (Allowed::Bound(b), Allowed::Bound(a)) if a < b => true,
            (Allowed::Bound(b), Allowed::Bound(a)) if a > b => false,
            (Allowed::Unbounded, Allowed::Bound(_)) => true,
            (Allowed::Bound(_), Allowed::Unbounded) => false,
            _ => continue,
        };
        let show = |a: &Allowed| match a {
            Allowed::Bound(d) => format!("{d}%"),
            _ => "unbounded".to_owned(),
        };
        let exceeds = |target: &Option<Decimal>, allowed: &Allowed| match (target, allowed) {
            (Some(t), Allowed::Bound(a)) => t > a,
            _ => false,
        };
        let now_exceeds = exceeds(&hg.targets[hi], &after) && !exceeds(&bg.targets[bi], &before);
        let kind = match lowered {
            true => ChangeKind::AllowedLowered,
            false => ChangeKind::AllowedRaised,
        };
        let e = head.outcome.catalogue.entity(hg.entity[hi]);
        let mut because_of: Vec<String> = reached[id].iter().map(|s| (*s).to_owned()).collect();
        because_of.sort();
        let mut words = Vec::new();
        if !because_of.is_empty() {
            words.push(format!("through {}", because_of.join(", ")));
        }
        if let Some(t) = &hg.targets[hi] {
            if now_exceeds {
                words.push(format!("its own target {t}% is now above it"));
            } else if exceeds(&hg.targets[hi], &after) {
                words.push(format!("its own target {t}% is above it"));
            }
        }
        let change = Change {
            kind,
            class: kind.default_class(),
            review: false,
            field: "allowed by hard dependencies".into(),
            before: Some(show(&before)),
            after: Some(show(&after)),
            detail: (!words.is_empty()).then(|| words.join("; ")),
            place: Some(head.place(&e.at_value("/spec/serviceLevels/availability/target"))),
        };
        let _ = base;
        out.push(AllowedChange {
            head_index: hg.entity[hi],
            change,
            because_of,
            now_exceeds,
        });
    }
    out
}
