//! `catalint diff`: what a change does to the promises the catalogue makes, rather than to
//! its YAML. Each side (a git revision, the working tree, or a folder) is read and checked
//! as `catalint check` reads it, with its own `catalint.yaml` and policy (`side.rs`);
//! entities are matched by kind and id (Backstage: kind, namespace and name), compared field
//! by field into typed changes (`compare.rs`), and the availability each service's hard
//! dependencies allow is composed on both sides with the availability rule's exact decimals
//! (`ceiling.rs`). Every change has a kind (`kinds.rs`) and a class, which the base's policy
//! may override (`review:`). Reporters (`crate::diff::report`) write the result.

mod ceiling;
mod compare;
pub mod git;
mod incremental;
pub mod kinds;
pub mod report;
mod side;
mod values;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

pub use kinds::{ChangeKind, Class};
pub use side::Side;

use crate::error::RunError;

/// Where a side comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// The files as they are now (`catalint check` in the current folder).
    WorkingTree,
    /// A git revision, read from git's objects.
    Revision(String),
    /// A folder, checked as if it were the top of the repository.
    Folder(PathBuf),
}

/// What `catalint diff` compares.
#[derive(Debug, Clone)]
pub struct DiffOptions {
    /// `None`: the merge base with the upstream of the current branch.
    pub base: Option<Source>,
    pub head: Source,
    /// Check both sides whole (two checks) even where HEAD could be re-checked on BASE's
    /// results: `--no-incremental`.
    pub whole: bool,
}

/// Which side a place is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Which {
    Base,
    Head,
}

impl Which {
    pub fn as_str(self) -> &'static str {
        match self {
            Which::Base => "base",
            Which::Head => "head",
        }
    }
}

/// A place in one side's files: 1-based lines and columns (characters), end exclusive.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    pub side: Which,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// One change to one entity.
#[derive(Debug, Clone)]
pub struct Change {
    pub kind: ChangeKind,
    pub class: Class,
    /// The policy's `review.required` names this kind.
    pub review: bool,
    /// What changed, in words: `availability target`, `P1 response`, `offering "Payslips"`.
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// More words, e.g. the dependants that now promise more than they may.
    pub detail: Option<String>,
    /// Where it is: in HEAD, or in BASE for what HEAD no longer has.
    pub place: Option<Place>,
}

/// The changes to one entity, keyed by kind and id.
#[derive(Debug, Clone)]
pub struct EntityChanges {
    pub kind: String,
    /// The id (Backstage: `kind:namespace/name`).
    pub id: String,
    pub name: Option<String>,
    pub changes: Vec<Change>,
}

impl EntityChanges {
    /// The weakest class among its changes: what a reviewer looks at first.
    pub fn class(&self) -> Class {
        self.changes
            .iter()
            .map(|c| c.class)
            .min()
            .unwrap_or(Class::Changed)
    }
}

/// A finding that one side has and the other has not.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: String,
    pub severity: crate::diagnostic::Severity,
    pub message: String,
    pub place: Place,
}

/// An id that names more than one entity on one side: never paired with the other side.
#[derive(Debug, Clone)]
pub struct Collision {
    pub side: Which,
    pub key: String,
    pub places: Vec<Place>,
}

/// A file one side could not read (whole or in part): its entities there are unknown, and
/// nothing is guessed about them.
#[derive(Debug, Clone)]
pub struct Unreadable {
    pub side: Which,
    pub file: String,
    pub reason: String,
    /// Entities of the other side in this file that this side does not show.
    pub entities: Vec<String>,
}

/// What a side was.
#[derive(Debug, Clone)]
pub struct SideInfo {
    /// `main (3f2a9c1d0b7e)`, `working tree`, `folder old/`.
    pub label: String,
    pub files: usize,
    pub entities: usize,
}

/// The whole comparison.
#[derive(Debug, Clone)]
pub struct Diff {
    pub base: SideInfo,
    pub head: SideInfo,
    /// By kind then id.
    pub entities: Vec<EntityChanges>,
    pub new_findings: Vec<Finding>,
    pub fixed_findings: Vec<Finding>,
    pub collisions: Vec<Collision>,
    pub unreadable: Vec<Unreadable>,
    /// Whether HEAD was re-checked on BASE's results rather than checked whole (not part of
    /// any report: both give the same diff).
    pub incremental: bool,
}

/// How many changes of each class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub weakened: usize,
    pub strengthened: usize,
    pub changed: usize,
    pub review: usize,
}

impl Diff {
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for change in self.entities.iter().flat_map(|e| &e.changes) {
            match change.class {
                Class::Weakened => c.weakened += 1,
                Class::Strengthened => c.strengthened += 1,
                Class::Changed => c.changed += 1,
            }
            c.review += usize::from(change.review);
        }
        c
    }

    /// Whether the gate fails (exit 1).
    pub fn fails(&self, gate: Gate) -> bool {
        match gate {
            Gate::Weakened => self.counts().weakened > 0,
            Gate::NewFinding => !self.new_findings.is_empty(),
            Gate::Never => false,
        }
    }
}

/// `--fail-on`: what fails the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Gate {
    /// Any change classed `weakened`.
    Weakened,
    /// Any finding HEAD has that BASE had not.
    NewFinding,
    Never,
}

/// Reads both sides and compares them.
pub fn diff(opts: &DiffOptions) -> Result<Diff, RunError> {
    let cwd = crate::paths::Cwd::current();
    let needs_git = opts
        .base
        .as_ref()
        .is_none_or(|b| matches!(b, Source::Revision(_)))
        || matches!(opts.head, Source::Revision(_));
    let repo = match needs_git {
        true => Some(git::Repo::discover(cwd.dir())?),
        false => None,
    };
    let base_source = match &opts.base {
        Some(s) => s.clone(),
        None => match &repo {
            Some(r) => Source::Revision(r.default_base()?),
            None => {
                return Err(RunError::Internal(
                    "no repository for the default base".into(),
                ));
            }
        },
    };
    let (base, head) = match (&base_source, &opts.head, &repo) {
        (Source::Revision(rev), Source::Revision(_) | Source::WorkingTree, Some(repo))
            if !opts.whole =>
        {
            incremental::read(rev, &opts.head, repo, &cwd)?
        }
        _ => (
            Side::read(&base_source, Which::Base, repo.as_ref(), &cwd)?,
            Side::read(&opts.head, Which::Head, repo.as_ref(), &cwd)?,
        ),
    };
    let mut diff = compare_sides(&base, &head);
    diff.incremental = head.incremental;
    Ok(diff)
}

/// The comparison of two sides already read.
pub fn compare_sides(base: &Side, head: &Side) -> Diff {
    let review = kinds::Review::from_policy(&base.outcome.policy);
    let mut by_key: BTreeMap<(String, String), EntityChanges> = BTreeMap::new();
    let mut unreadable = side::unreadable(base, head);
    let hidden: HashMap<(Which, String), usize> = unreadable
        .iter()
        .enumerate()
        .map(|(i, u)| ((u.side, u.file.clone()), i))
        .collect();
    let mut collisions = Vec::new();
    collisions.extend(base.collisions());
    collisions.extend(head.collisions());
    let (base_graph, head_graph) = (
        ceiling::Graph::of(base, head),
        ceiling::Graph::of(head, base),
    );
    let mut push = |_key: &str, side: &Side, index: usize, change: Change| {
        let e = side.outcome.catalogue.entity(index);
        let entry = by_key
            .entry((
                e.kind().as_str().to_owned(),
                side.display_id(index).to_owned(),
            ))
            .or_insert_with(|| EntityChanges {
                kind: e.kind().as_str().to_owned(),
                id: side.display_id(index).to_owned(),
                name: e.str_at("/metadata/name").map(str::to_owned),
                changes: Vec::new(),
            });
        entry.changes.push(change);
    };
    // Entities on one side only, unless that side could not read the file that holds them.
    for (key, &bi) in base.singles() {
        match head.single(key) {
            // A document whose text is the same in a file of the same name is the same
            // entity: nothing to compare (what its dependencies allow is composed apart).
            Some(hi) if base.same_document(bi, head, hi) => {}
            Some(hi) => {
                for change in compare::entity(base, bi, head, hi, &head_graph) {
                    push(key, head, hi, change);
                }
            }
            None if head.collides(key) => {}
            None => {
                let file = base.file_of(bi);
                if let Some(&u) = hidden.get(&(Which::Head, file.to_owned())) {
                    unreadable[u].entities.push(base.display_id(bi).to_owned());
                    continue;
                }
                push(key, base, bi, compare::removed(base, bi, &head_graph));
            }
        }
    }
    for (key, &hi) in head.singles() {
        if base.single(key).is_some() || base.collides(key) {
            continue;
        }
        let file = head.file_of(hi);
        if let Some(&u) = hidden.get(&(Which::Base, file.to_owned())) {
            unreadable[u].entities.push(head.display_id(hi).to_owned());
            continue;
        }
        push(key, head, hi, compare::added(head, hi));
    }
    // Which dependants a seed's change pushed above what they may promise.
    let mut exceeding: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in ceiling::changes(base, head, &base_graph, &head_graph) {
        let id = head.display_id(c.head_index).to_owned();
        if c.now_exceeds {
            for seed in &c.because_of {
                exceeding.entry(seed.clone()).or_default().push(id.clone());
            }
        }
        push("", head, c.head_index, c.change);
    }
    let mut entities: Vec<EntityChanges> = by_key.into_values().collect();
    for e in &mut entities {
        let Some(names) = exceeding.get(&e.id).filter(|_| e.kind == "Service") else {
            continue;
        };
        let words = match names.len() {
            1 => format!(
                "1 hard dependant now promises more than its dependencies allow: {}",
                names[0]
            ),
            n => format!(
                "{n} hard dependants now promise more than their dependencies allow: {}",
                names.join(", ")
            ),
        };
        let target = e.changes.iter_mut().find(|c| {
            matches!(
                c.kind,
                ChangeKind::AvailabilityLowered
                    | ChangeKind::DependencyAdded
                    | ChangeKind::DependencyKindChanged
            )
        });
        if let Some(c) = target {
            c.detail = Some(match c.detail.take() {
                Some(d) => format!("{d}; {words}"),
                None => words,
            });
        }
    }
    for e in &mut entities {
        for c in &mut e.changes {
            review.apply(c);
        }
        e.changes.sort_by_key(|c| (c.class, c.kind as u8));
    }
    let (new_findings, fixed_findings) = side::findings(base, head);
    Diff {
        base: base.info(),
        head: head.info(),
        entities,
        new_findings,
        fixed_findings,
        collisions,
        unreadable,
        incremental: false,
    }
}
