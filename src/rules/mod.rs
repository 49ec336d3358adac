//! Stage 5: the rules. One rule, one file: its documentation (served by `catalint explain`,
//! the book's rules pages and SARIF metadata) sits next to its check. [`REGISTRY`] is the static
//! list of every rule; the engine runs per-entity checks first, then catalogue-wide ones.
//!
//! Some rules are found by earlier stages (the loader finds `yaml-syntax` and
//! `duplicate-key`, schema validation finds `schema`): their files hold their documentation
//! and they have no check of their own here.

use crate::catalogue::{Catalogue, EntityRef};
use crate::diagnostic::{Diagnostic, Severity};
use crate::policy::Policy;

pub mod agreement_type;
pub mod availability_exceeds_dependencies;
pub mod custom;
pub mod dependency_cycle;
pub mod duplicate_key;
pub mod empty_file;
pub mod individual_owner;
pub mod invalid_suppression;
pub mod product_is_service;
pub mod retired_dependency;
pub mod schema;
pub mod single_category;
pub mod sla_consistent;
pub mod sla_defined;
pub mod unique_id;
pub mod unknown_field;
pub mod unknown_kind;
pub mod unreadable_file;
pub mod unresolved_reference;
pub mod unused_suppression;
pub mod yaml_ambiguous_value;
pub mod yaml_limit;
pub mod yaml_syntax;
pub mod yaml_unsupported;

pub mod backstage;
pub mod duration;
pub mod graph;
pub mod kept_ids;
pub mod percent;
pub mod wide;

/// Which stage of the pipeline finds a rule's problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading files and parsing YAML.
    Load,
    /// Building the index and JSON Schema validation.
    Schema,
    /// Domain rules on one entity at a time (with the index to look others up).
    Entity,
    /// Domain rules over the whole catalogue.
    Catalogue,
    /// Applying suppression comments, after every rule.
    Suppressions,
    /// A policy's custom rule.
    Custom,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Load => "load",
            Stage::Schema => "schema",
            Stage::Entity => "entity",
            Stage::Catalogue => "catalogue",
            Stage::Suppressions => "suppressions",
            Stage::Custom => "custom",
        }
    }
}

/// What every rule declares about itself.
#[derive(Debug)]
pub struct RuleMeta {
    pub id: &'static str,
    pub default_severity: Severity,
    pub stage: Stage,
    /// One line: what the rule checks.
    pub summary: &'static str,
    /// Markdown with the sections in [`DOC_SECTIONS`].
    pub doc: &'static str,
}

/// A rule as commands and reports show it: a built-in rule's metadata, or a policy's custom
/// rule.
#[derive(Debug, Clone)]
pub struct RuleInfo {
    pub id: String,
    pub default_severity: Severity,
    pub stage: Stage,
    pub summary: String,
    pub doc: String,
    /// The policy file that defines a custom rule; `None` for built-in rules.
    pub origin: Option<String>,
}

impl From<&RuleMeta> for RuleInfo {
    fn from(m: &RuleMeta) -> Self {
        RuleInfo {
            id: m.id.to_owned(),
            default_severity: m.default_severity,
            stage: m.stage,
            summary: m.summary.to_owned(),
            doc: m.doc.to_owned(),
            origin: None,
        }
    }
}

/// The sections every rule's documentation has, in this order.
pub const DOC_SECTIONS: [&str; 4] = [
    "## What it checks",
    "## Why it matters",
    "## Example",
    "## How to fix",
];

/// What a rule sees: the whole catalogue, indexed, and the policy in force.
pub struct Context<'a> {
    pub catalogue: &'a Catalogue,
    pub policy: &'a Policy,
    graph: std::sync::OnceLock<graph::Graph<'a>>,
    /// Ids by kind, for "did you mean": each kind's built on first use (a re-check after an
    /// edit that broke a team reference indexes the teams, not the whole catalogue).
    ids: PerKind<crate::suggest::Index<'a>>,
    /// Ids by kind and length in characters, for the "exactly one close id" test of fixes.
    by_length: PerKind<std::collections::HashMap<usize, Vec<&'a str>>>,
    schema_failures: SchemaFailures,
    /// Backstage entity names by kind and namespace, for "did you mean".
    backstage: std::sync::OnceLock<backstage::relations::Names<'a>>,
    /// Answers already given: a missing id named by thousands of entities is looked up once.
    suggested: std::sync::Mutex<Suggested<'a>>,
    /// The ids of each kind as a workspace keeps them across checks: used in place of
    /// `ids` and `by_length`, which a check on its own builds.
    kept_ids: Option<&'a kept_ids::KeptIds>,
}

/// Something built per kind on first use: a slot for each kind the policy knows.
type PerKind<T> =
    std::sync::OnceLock<std::collections::HashMap<crate::catalogue::Kind, std::sync::OnceLock<T>>>;

/// At most this many ids are compared to decide that a close id is the only one.
const SOLE_BUDGET: usize = 256;

/// What a reference names.
pub enum Target<'c> {
    /// An entity of the kind the reference wants.
    Found(EntityRef<'c>),
    /// An entity of another kind (a team where a service is wanted).
    WrongKind(EntityRef<'c>),
    /// No entity has the id.
    Missing,
}

/// Where documents broke their schema: document index -> JSON pointers of the `schema`
/// findings. Domain rules do not read a value that already has a `schema` finding, so that
/// one root cause gives one finding.
#[derive(Debug, Default)]
pub struct SchemaFailures {
    by_document: std::collections::HashMap<usize, Vec<String>>,
}

impl SchemaFailures {
    pub fn add(&mut self, document: usize, pointer: &str) {
        self.by_document
            .entry(document)
            .or_default()
            .push(pointer.to_owned());
    }

    /// Whether the value at `pointer`, or a value that holds it, broke the schema.
    pub fn covers(&self, document: usize, pointer: &str) -> bool {
        self.by_document.get(&document).is_some_and(|failed| {
            failed.iter().any(|f| {
                pointer == f
                    || (pointer.starts_with(f.as_str())
                        && pointer.as_bytes().get(f.len()) == Some(&b'/'))
            })
        })
    }
}

impl<'a> Context<'a> {
    pub fn new(catalogue: &'a Catalogue, policy: &'a Policy) -> Self {
        Self {
            catalogue,
            policy,
            graph: std::sync::OnceLock::new(),
            ids: PerKind::new(),
            backstage: std::sync::OnceLock::new(),
            schema_failures: SchemaFailures::default(),
            suggested: Default::default(),
            by_length: PerKind::new(),
            kept_ids: None,
        }
    }

    /// Answers "did you mean" from ids kept up to date across checks (they must be those
    /// of `catalogue`).
    pub fn with_kept_ids(mut self, ids: &'a kept_ids::KeptIds) -> Self {
        self.kept_ids = Some(ids);
        self
    }

    pub fn with_schema_failures(mut self, failures: SchemaFailures) -> Self {
        self.schema_failures = failures;
        self
    }

    /// Whether `e`'s value at `pointer` (or one that holds it) already has a `schema`
    /// finding: domain rules leave such values alone.
    pub fn broke_schema(&self, e: EntityRef<'_>, pointer: &str) -> bool {
        self.schema_failures.covers(e.entity.document, pointer)
    }

    /// What a reference to an entity of kind `want` names: the one resolution that every
    /// rule checking a reference shares.
    pub fn resolve(&self, id: &str, want: crate::catalogue::Kind) -> Target<'a> {
        self.resolve_any(id, &[want])
    }

    /// [`Context::resolve`] for a reference that may name an entity of any of `want`.
    pub fn resolve_any(&self, id: &str, want: &[crate::catalogue::Kind]) -> Target<'a> {
        match self.catalogue.get(id) {
            Some(t) if want.contains(&t.kind()) => Target::Found(t),
            Some(t) => Target::WrongKind(t),
            None => Target::Missing,
        }
    }

    /// The id of an entity of `kind` closest to `input`, if one is close enough to be a
    /// typo. Ids of about the input's length are considered (shorter ones first, then in
    /// catalogue order); see [`crate::suggest::Index`] for why this stays fast.
    pub fn nearest_id(&self, input: &str, kind: crate::catalogue::Kind) -> Option<&'a str> {
        let lock = || self.suggested.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&answer) = lock().get(&(kind, Box::from(input))) {
            return answer;
        }
        let reach = (input.chars().count() / 3).max(1) + 1;
        if let Some(kept) = self.kept_ids {
            let answer = kept.nearest(kind, input, reach);
            lock().insert((kind, input.into()), answer);
            return answer;
        }
        let Some(index) = self.of_kind(&self.ids, kind, || {
            let mut ids = self.ids_of_kind(kind);
            ids.sort_by_key(|id| id.chars().count());
            crate::suggest::Index::new(ids)
        }) else {
            lock().insert((kind, input.into()), None);
            return None;
        };
        let answer = index.nearest_within(input, reach);
        lock().insert((kind, input.into()), answer);
        answer
    }

    /// The one id of an entity of `kind` close to `input`, when exactly one is: what a
    /// reference fix may write (two close ids are a person's choice).
    pub fn sole_nearest_id(&self, input: &str, kind: crate::catalogue::Kind) -> Option<&'a str> {
        let n = self.nearest_id(input, kind)?;
        let len = input.chars().count();
        let reach = (len / 3).max(1) + 1;
        let lengths = len.saturating_sub(reach)..=len + reach;
        if let Some(kept) = self.kept_ids {
            let window: Vec<&'a str> = kept
                .of_lengths(kind, lengths)
                .take(SOLE_BUDGET + 1)
                .collect();
            if window.len() > SOLE_BUDGET {
                return None;
            }
            return crate::edit::sole_nearest(input, window).filter(|s| *s == n);
        }
        let index = self.of_kind(&self.by_length, kind, || {
            let mut map: std::collections::HashMap<_, Vec<&'a str>> =
                std::collections::HashMap::new();
            for id in self.ids_of_kind(kind) {
                map.entry(id.chars().count()).or_default().push(id);
            }
            map
        })?;
        let window: Vec<&'a str> = lengths
            .filter_map(|l| index.get(&l))
            .flatten()
            .copied()
            .take(SOLE_BUDGET + 1)
            .collect();
        // Too many ids of about this length to compare them all for every finding: no fix
        // rather than a guess that another close id was not seen (keeps this linear).
        if window.len() > SOLE_BUDGET {
            return None;
        }
        let candidates = window.into_iter();
        crate::edit::sole_nearest(input, candidates).filter(|s| *s == n)
    }

    /// The ids of the entities of `kind`, in catalogue order.
    fn ids_of_kind(&self, kind: crate::catalogue::Kind) -> Vec<&'a str> {
        self.catalogue
            .of_kind(kind)
            .filter(|e| e.entity.id.is_some())
            .map(|e| e.id())
            .collect()
    }

    /// `kind`'s slot of `per_kind`, built with `build` on first use; `None` for a kind the
    /// policy does not know (no entity has it).
    fn of_kind<'s, T>(
        &'s self,
        per_kind: &'s PerKind<T>,
        kind: crate::catalogue::Kind,
        build: impl FnOnce() -> T,
    ) -> Option<&'s T> {
        let slots = per_kind.get_or_init(|| {
            self.policy
                .kinds
                .all()
                .map(|k| (k, std::sync::OnceLock::new()))
                .collect()
        });
        Some(slots.get(&kind)?.get_or_init(build))
    }

    /// The fix that writes the one close id of `kind` in place of the unknown reference at
    /// `ptr` (unsafe: the id is a guess).
    pub fn reference_fix(
        &self,
        e: EntityRef<'_>,
        ptr: &str,
        target: &str,
        kind: crate::catalogue::Kind,
    ) -> Option<crate::diagnostic::Fix> {
        if e.written_at(ptr).is_some() {
            return None;
        }
        let id = self.sole_nearest_id(target, kind)?;
        let text = &self.catalogue.files.get(e.file()).text;
        let edit = crate::edit::replace_scalar(text, &e.value_span(ptr), id)?;
        Some(crate::diagnostic::Fix::unsafe_(
            format!(
                "replace `{target}` with `{id}`, the closest {} id",
                kind.as_str()
            ),
            vec![edit],
        ))
    }

    /// The names of a Backstage catalogue's entities, indexed on first use.
    pub fn backstage_names(&self) -> &backstage::relations::Names<'a> {
        self.backstage
            .get_or_init(|| backstage::relations::Names::new(self))
    }

    /// The hard-dependency graph, built on first use and shared by the rules that need it.
    pub fn hard_graph(&self) -> &graph::Graph<'a> {
        self.graph
            .get_or_init(|| graph::Graph::hard(self.catalogue))
    }
}

/// "Did you mean" answers by kind and missing id.
type Suggested<'a> = std::collections::HashMap<(crate::catalogue::Kind, Box<str>), Option<&'a str>>;

pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;

    /// Checks one entity; the catalogue is there to look others up by id.
    fn check_entity(&self, _cx: &Context<'_>, _entity: EntityRef<'_>, _out: &mut Vec<Diagnostic>) {}

    /// Whether [`Rule::check_entity`] reads nothing but its entity (its own document and
    /// file, the policy, its own schema failures). A workspace keeps such a rule's findings
    /// for the files that did not change; a rule that looks other entities up (its answer
    /// changes when they do) runs again over every entity. The safe default is `false`.
    fn reads_only_its_entity(&self) -> bool {
        false
    }

    /// Checks the catalogue as a whole. Must stay linear in the catalogue's size.
    fn check_catalogue(&self, _cx: &Context<'_>, _out: &mut Vec<Diagnostic>) {}
}

/// Every rule, in the order of the rules table (docs/src/rules/index.md).
pub static REGISTRY: &[&dyn Rule] = &[
    &yaml_syntax::YamlSyntax,
    &duplicate_key::DuplicateKey,
    &yaml_ambiguous_value::YamlAmbiguousValue,
    &yaml_unsupported::YamlUnsupported,
    &yaml_limit::YamlLimit,
    &unreadable_file::UnreadableFile,
    &empty_file::EmptyFile,
    &schema::Schema,
    &unknown_kind::UnknownKind,
    &product_is_service::ProductIsService,
    &single_category::SingleCategory,
    &sla_defined::SlaDefined,
    &sla_consistent::SlaConsistent,
    &agreement_type::AgreementType,
    &unique_id::UniqueId,
    &unresolved_reference::UnresolvedReference,
    &dependency_cycle::DependencyCycle,
    &availability_exceeds_dependencies::AvailabilityExceedsDependencies,
    &retired_dependency::RetiredDependency,
    &individual_owner::IndividualOwner,
    &invalid_suppression::InvalidSuppression,
    &unused_suppression::UnusedSuppression,
    // Last, so that the rule indexes of SARIF reports made before it stay the same.
    &unknown_field::UnknownField,
];

/// The rule with this id.
pub fn find(id: &str) -> Option<&'static dyn Rule> {
    REGISTRY.iter().copied().find(|r| r.meta().id == id)
}

/// All rule ids, in registry order.
pub fn ids() -> impl Iterator<Item = &'static str> {
    REGISTRY.iter().map(|r| r.meta().id)
}

/// "unknown rule `x`", with the nearest of `known` when one is close: the one wording of
/// every place that meets an unknown rule id (command line, config, policy).
/// Every rule a policy knows: the built-in ones, then its custom rules. What `explain`,
/// `rules`, SARIF and the language server describe.
pub fn rulebook(policy: &Policy) -> Vec<RuleInfo> {
    let mut book: Vec<RuleInfo> = REGISTRY.iter().map(|r| RuleInfo::from(r.meta())).collect();
    // `explain unresolved-reference` names the references this policy adds.
    if let Some(info) = book
        .iter_mut()
        .find(|i| i.id == unresolved_reference::META.id)
    {
        info.doc.push_str(&crate::policy::references::explained(
            &policy.references,
            &policy.origin,
        ));
    }
    book.extend(policy.custom_rules.iter().map(|r| RuleInfo {
        id: r.def.id.clone(),
        default_severity: r.severity,
        stage: Stage::Custom,
        summary: r.def.summary.clone(),
        doc: r.doc(),
        origin: Some(r.origin.clone()),
    }));
    book
}

/// A finding of `meta`'s rule at its default severity.
pub fn finding(
    meta: &'static RuleMeta,
    message: impl Into<String>,
    primary: crate::diagnostic::Label,
) -> Diagnostic {
    Diagnostic::new(meta.id, meta.default_severity, message, primary)
}

/// Rules found by an earlier stage: documentation only.
macro_rules! documented_rule {
    ($ty:ident, $meta:ident) => {
        pub struct $ty;
        impl $crate::rules::Rule for $ty {
            fn meta(&self) -> &'static $crate::rules::RuleMeta {
                &$meta
            }
        }
    };
}
pub(crate) use documented_rule;

#[cfg(test)]
mod tests;
