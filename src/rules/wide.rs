//! The catalogue-wide rules kept up to date by a change, instead of run again over the whole
//! catalogue: each rule's findings are kept by what decides them, and a change redoes only
//! the part it reaches ([`Reach`]). After any change the findings are those the rules'
//! [`Rule::check_catalogue`](super::Rule::check_catalogue) gives, which the workspace's
//! property test checks against fresh checks.
//!
//! - `unique-id`: the repeats by id, redone for the ids the change touched; the repeated
//!   offerings of a service by its file.
//! - `individual-owner`: by the file of the service or product, redone for the files reached;
//!   everything when a changed file held a team (the mailboxes changed).
//! - `availability-exceeds-dependencies`: by the file of the service judged. In the direct
//!   scope, redone for the files reached (a dependency's target, id or schema changed: its
//!   dependants name it, so they are reached); in the transitive scope, for the services
//!   above one reached (found upwards through the index of who names what) and the other
//!   services of their files, on the graph of their closures.
//! - `dependency-cycle`: each cycle with its component's members; the cycles with a member
//!   among the entities reached, or in a component with one, are found again on the part of
//!   the graph that holds their components. A Backstage catalogue too: its edges are also
//!   written at their targets (`dependencyOf`), so both searches ask who names an entity.
//! - The rest run whole: the policy's custom `unique` rules, and everything when no index of
//!   who names what is kept (a state restored from the cache for one check).

use std::collections::{HashMap, HashSet};

use super::{
    Context, availability_exceeds_dependencies as availability, dependency_cycle, graph,
    individual_owner, unique_id,
};
use crate::catalogue::{Format, Kind};
use crate::diagnostic::Diagnostic;

/// What a change reaches.
pub struct Reach<'r> {
    /// By file id: the files whose entities' findings are redone (those that changed, and
    /// those that name an id the change touched).
    pub files: &'r [bool],
    /// The ids the changed files' entities had before the change and have now.
    pub ids: &'r [Box<str>],
    /// Whether a changed file held a team, before or after.
    pub teams: bool,
    /// The entities (by index) that may name an id: a superset of those that do.
    pub dependants: Option<super::graph::Dependants<'r>>,
    /// A file reached only in part (one document of a large file edited): its entities
    /// in [`Within::entities`] are reached, and not the rest of it (`files` leaves it out).
    pub within: Option<Within<'r>>,
}

/// The part of a file that a change reaches: some of its entities, and which of the file's
/// findings are theirs (by their primary place).
pub struct Within<'r> {
    pub file: crate::source::FileId,
    /// Entity indexes, in catalogue order.
    pub entities: &'r [usize],
    pub owns: &'r (dyn Fn(&Diagnostic) -> bool + Sync),
}

/// The catalogue-wide rules' findings, kept by what decides them.
#[derive(Default)]
pub struct Wide {
    repeats: HashMap<Box<str>, Vec<Diagnostic>>,
    offerings: ByFile,
    owners: ByFile,
    availability: ByFile,
    cycles: Vec<dependency_cycle::Cycle>,
    /// The findings of the rules that run whole on every check.
    whole: Vec<Diagnostic>,
}

/// A [`Wide`] taken apart for the on-disk cache: a check that starts from a snapshot keeps
/// the catalogue-wide findings it holds and redoes only what the files changed since reach.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Parts {
    /// `unique-id`'s repeats, by id (sorted by id).
    pub repeats: Vec<(Box<str>, Vec<Diagnostic>)>,
    pub offerings: Vec<Diagnostic>,
    pub owners: Vec<Diagnostic>,
    pub availability: Vec<Diagnostic>,
    pub cycles: Vec<dependency_cycle::Cycle>,
    /// The rules that run whole on every check: kept only for a replay.
    pub whole: Vec<Diagnostic>,
}

impl Parts {
    /// Every finding, as [`Wide::findings`] gives them.
    pub fn findings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.repeats
            .iter()
            .flat_map(|(_, r)| r)
            .chain(&self.offerings)
            .chain(&self.owners)
            .chain(&self.availability)
            .chain(self.cycles.iter().map(|(_, d)| d))
            .chain(&self.whole)
    }
}

/// Findings by the file of their primary place.
#[derive(Default)]
struct ByFile(Vec<Vec<Diagnostic>>);

impl ByFile {
    fn clear(&mut self, files: Option<&[bool]>) {
        match files {
            None => self.0.clear(),
            Some(files) => {
                for (f, reached) in self.0.iter_mut().zip(files) {
                    if *reached {
                        f.clear();
                    }
                }
            }
        }
    }

    /// Drops the findings of the part of a file reached.
    fn clear_within(&mut self, within: Option<&Within<'_>>) {
        if let Some(w) = within
            && let Some(list) = self.0.get_mut(w.file.0 as usize)
        {
            list.retain(|d| !(w.owns)(d));
        }
    }

    fn put(&mut self, findings: Vec<Diagnostic>) {
        for d in findings {
            let i = d.file().0 as usize;
            if self.0.len() <= i {
                self.0.resize_with(i + 1, Vec::new);
            }
            self.0[i].push(d);
        }
    }

    fn all(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().flatten()
    }
}

impl Wide {
    /// Every finding of the catalogue-wide rules (`reach`: `None` on the first run) brought
    /// up to date. `off` says which rules are off everywhere.
    pub fn update(
        &mut self,
        cx: &Context<'_>,
        reach: Option<&Reach<'_>>,
        off: &(dyn Fn(&str) -> bool + Sync),
    ) {
        let catalogue = cx.catalogue;
        let files = reach.map(|r| r.files);
        let within = reach.and_then(|r| r.within.as_ref());
        // The entities whose findings are redone, in catalogue order.
        let mut reached: Vec<usize> = match files {
            None => (0..catalogue.entities.len()).collect(),
            Some(files) => (0..catalogue.entities.len())
                .filter(|&i| {
                    let f = catalogue.entity(i).file().0 as usize;
                    files.get(f).copied().unwrap_or(true)
                })
                .collect(),
        };
        if let Some(w) = within {
            reached.extend(w.entities.iter().copied());
            reached.sort_unstable();
            reached.dedup();
        }
        self.whole.clear();

        if !off(unique_id::META.id) {
            match reach {
                None => {
                    self.repeats.clear();
                    for (id, _) in catalogue.duplicate_ids() {
                        let mut out = Vec::new();
                        unique_id::repeats_of(cx, id, &mut out);
                        self.repeats.insert(id.into(), out);
                    }
                }
                Some(r) => {
                    for id in r.ids {
                        let mut out = Vec::new();
                        unique_id::repeats_of(cx, id, &mut out);
                        match out.is_empty() {
                            true => self.repeats.remove(id),
                            false => self.repeats.insert(id.clone(), out),
                        };
                    }
                }
            }
            self.offerings.clear(files);
            self.offerings.clear_within(within);
            if cx.policy.kinds.format() == Format::Catalint {
                let mut out = Vec::new();
                for &i in &reached {
                    let e = catalogue.entity(i);
                    if e.kind() == Kind::Service {
                        unique_id::offerings(cx, e, &mut out);
                    }
                }
                self.offerings.put(out);
            }
        } else {
            self.repeats.clear();
            self.offerings.clear(None);
        }

        if !off(individual_owner::META.id) {
            let all = reach.is_none_or(|r| r.teams);
            self.owners.clear(if all { None } else { files });
            if !all {
                self.owners.clear_within(within);
            }
            let mailboxes = individual_owner::mailboxes(cx);
            let mut out = Vec::new();
            if !mailboxes.is_empty() {
                let todo: Box<dyn Iterator<Item = usize>> = match all {
                    true => Box::new(0..catalogue.entities.len()),
                    false => Box::new(reached.iter().copied()),
                };
                for i in todo {
                    individual_owner::check_owner(catalogue.entity(i), &mailboxes, &mut out);
                }
            }
            self.owners.put(out);
        } else {
            self.owners.clear(None);
        }

        // The services reached, by id: the subjects of the graph rules (in a Backstage
        // catalogue, any entity: components and resources depend on each other).
        let format = cx.policy.kinds.format();
        let services: Vec<&str> = match reach {
            None => Vec::new(),
            Some(r) => {
                let mut ids: HashSet<&str> = r.ids.iter().map(|id| &**id).collect();
                ids.extend(
                    reached
                        .iter()
                        .map(|&i| catalogue.entity(i))
                        .filter(|e| format == Format::Backstage || e.kind() == Kind::Service)
                        .filter(|e| e.entity.id.is_some())
                        .map(|e| e.id()),
                );
                let mut ids: Vec<&str> = ids.into_iter().collect();
                ids.sort_unstable();
                ids
            }
        };

        if !off(availability::META.id) {
            self.availability(cx, reach, &services);
        } else {
            self.availability.clear(None);
        }

        if !off(dependency_cycle::META.id) {
            self.cycles(cx, reach, &services);
        } else {
            self.cycles.clear();
        }

        for rule in cx.policy.custom_rules.iter().filter(|r| !off(&r.def.id)) {
            rule.check_catalogue(cx, &mut self.whole);
        }
    }

    /// `availability-exceeds-dependencies`: in the direct scope, the services reached; in
    /// the transitive scope, every service above one reached (its closure holds a service
    /// whose target, dependencies or id changed, or a reference that now resolves
    /// elsewhere), with the other services of their files (findings are kept by file).
    fn availability(&mut self, cx: &Context<'_>, reach: Option<&Reach<'_>>, services: &[&str]) {
        let catalogue = cx.catalogue;
        if let Some(r) = reach {
            let mut out = Vec::new();
            if availability::judge_services(cx, services.iter().copied(), &mut out) {
                self.availability.clear(Some(r.files));
                self.availability.clear_within(r.within.as_ref());
                self.availability.put(out);
                return;
            }
            if let Some(dependants) = r.dependants {
                let above = graph::HardAbove::new(catalogue, dependants)
                    .closure_of(services.iter().copied());
                let mut files: Vec<bool> = r.files.to_vec();
                let mut judged: Vec<crate::catalogue::EntityRef<'_>> = Vec::new();
                let mut seen: HashSet<usize> = HashSet::new();
                for s in &above {
                    let file = s.file().0 as usize;
                    if files.len() <= file {
                        files.resize(file + 1, false);
                    }
                    files[file] = true;
                    // The file's other services too: the file's findings are redone whole.
                    for i in entities_of_file(catalogue, s.index) {
                        let e = catalogue.entity(i);
                        if e.kind() == Kind::Service && e.entity.id.is_some() && seen.insert(i) {
                            judged.push(e);
                        }
                    }
                }
                if availability::judge_transitive(cx, &judged, &mut out) {
                    // The part of a file reached: its services are roots of the closure,
                    // so their file is marked above and judged whole; cleared all the same.
                    self.availability.clear(Some(&files));
                    self.availability.clear_within(r.within.as_ref());
                    self.availability.put(out);
                    return;
                }
            }
        }
        // The first run, or no index of who names what: whole (kept by file all the same).
        self.availability.clear(None);
        let mut out = Vec::new();
        super::Rule::check_catalogue(&availability::AvailabilityExceedsDependencies, cx, &mut out);
        self.availability.put(out);
    }

    /// `dependency-cycle`: the cycles with a member among the services reached are found
    /// again, on the part of the graph that holds their components, with those whose
    /// components held one of them (a component that loses a member may leave a smaller
    /// cycle among the others); the rest stay as they were.
    fn cycles(&mut self, cx: &Context<'_>, reach: Option<&Reach<'_>>, services: &[&str]) {
        let Some(r) = reach else {
            self.cycles = dependency_cycle::all_cycles(cx);
            return;
        };
        let touched: HashSet<&str> = services.iter().copied().collect();
        let mut roots: HashSet<Box<str>> = touched.iter().map(|&id| id.into()).collect();
        for (members, _) in &self.cycles {
            if members.iter().any(|m| touched.contains(&**m)) {
                roots.extend(members.iter().cloned());
            }
        }
        let mut roots: Vec<Box<str>> = roots.into_iter().collect();
        roots.sort_unstable();
        let found = dependency_cycle::cycles_through(cx, roots.iter().map(|r| &**r), r.dependants);
        let roots: HashSet<&str> = roots.iter().map(|r| &**r).collect();
        match found {
            Some(found) => {
                self.cycles
                    .retain(|(members, _)| !members.iter().any(|m| roots.contains(&**m)));
                self.cycles.extend(found);
            }
            None => self.cycles = dependency_cycle::all_cycles(cx),
        }
    }

    /// The findings kept, apart, for the cache.
    pub fn parts(&self) -> Parts {
        let mut repeats: Vec<(Box<str>, Vec<Diagnostic>)> = self
            .repeats
            .iter()
            .map(|(id, r)| (id.clone(), r.clone()))
            .collect();
        repeats.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        Parts {
            repeats,
            offerings: self.offerings.all().cloned().collect(),
            owners: self.owners.all().cloned().collect(),
            availability: self.availability.all().cloned().collect(),
            cycles: self.cycles.clone(),
            whole: self.whole.clone(),
        }
    }

    /// The state a check left, put back together (its file ids this run's), for
    /// [`Wide::update`] to bring up to date with a [`Reach`] of what changed since.
    pub fn from_parts(parts: Parts) -> Wide {
        let by_file = |findings: Vec<Diagnostic>| {
            let mut list = ByFile::default();
            list.put(findings);
            list
        };
        Wide {
            repeats: parts.repeats.into_iter().collect(),
            offerings: by_file(parts.offerings),
            owners: by_file(parts.owners),
            availability: by_file(parts.availability),
            cycles: parts.cycles,
            whole: parts.whole,
        }
    }

    /// Every finding kept, to move its places (an edit shifted the text after it).
    pub fn for_each_mut(&mut self, mut f: impl FnMut(&mut Diagnostic)) {
        self.repeats.values_mut().flatten().for_each(&mut f);
        for list in [
            &mut self.offerings,
            &mut self.owners,
            &mut self.availability,
        ] {
            list.0.iter_mut().flatten().for_each(&mut f);
        }
        self.cycles.iter_mut().for_each(|(_, d)| f(d));
        self.whole.iter_mut().for_each(f);
    }

    /// Every finding kept (in no particular order: the workspace sorts them).
    pub fn findings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.repeats
            .values()
            .flatten()
            .chain(self.offerings.all())
            .chain(self.owners.all())
            .chain(self.availability.all())
            .chain(self.cycles.iter().map(|(_, d)| d))
            .chain(&self.whole)
    }
}

/// The entities of the file that holds entity `i`: its neighbours in catalogue order, which
/// keeps each file's entities together.
fn entities_of_file(catalogue: &crate::catalogue::Catalogue, i: usize) -> std::ops::Range<usize> {
    let file = catalogue.entity(i).file();
    let mut start = i;
    while start > 0 && catalogue.entity(start - 1).file() == file {
        start -= 1;
    }
    let mut end = i + 1;
    while end < catalogue.entities.len() && catalogue.entity(end).file() == file {
        end += 1;
    }
    start..end
}
