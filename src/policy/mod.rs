//! The policy: the catalogue's vocabulary as data (categories, priorities, rule settings,
//! organisation fields and kinds, custom rules), read from policy files and profiles. The
//! run's configuration (`catalint.yaml`) is in [`crate::settings::config`].

mod compose;
use compose::{Source, invalid};
pub mod custom;
mod external;
pub mod fields;
pub mod file;
pub mod kinds;
pub mod references;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::diagnostic::ids::BUILTIN_RULES;
use crate::diagnostic::{Diagnostic, Label, Severity};
use custom::{CustomRule, CustomRuleDef};
pub use file::SettingsError;

/// The policy shipped with catalint, also embedded in the binary.
pub const DEFAULT_POLICY: &str = include_str!("../../policies/default.yaml");

/// A service-level part that a category can require.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SlaPart {
    Availability,
    Incident,
    Requests,
    Recovery,
}

impl SlaPart {
    pub fn as_str(self) -> &'static str {
        match self {
            SlaPart::Availability => "availability",
            SlaPart::Incident => "incident",
            SlaPart::Requests => "requests",
            SlaPart::Recovery => "recovery",
        }
    }
}

/// A rule's configured severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Error,
    Warning,
    Off,
}

impl Level {
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Error => Some(Severity::Error),
            Level::Warning => Some(Severity::Warning),
            Level::Off => None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Category {
    pub id: String,
    #[serde(default)]
    pub description: Option<String>,
    pub requires: Vec<SlaPart>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RuleSetting {
    #[serde(default)]
    pub severity: Option<Level>,
    #[serde(default)]
    pub options: serde_json::Map<String, Value>,
}

/// The name that `extends:` uses for the built-in default policy.
pub const BUILTIN: &str = "default";

/// The profile for Backstage catalogues (`catalog-info.yaml`).
pub const BACKSTAGE: &str = "backstage";

/// Profiles: packaged policies embedded in the binary, named by `extends:` (and by
/// `--policy`/`policy:` when no file of that name exists).
pub const PROFILES: [(&str, &str); 2] = [
    (BUILTIN, DEFAULT_POLICY),
    (BACKSTAGE, include_str!("../../policies/backstage.yaml")),
];

/// The profile of this name.
pub fn profile(name: &str) -> Option<&'static str> {
    PROFILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

#[derive(Debug)]
pub struct Policy {
    pub name: String,
    /// The file it came from, or `built-in default policy`.
    pub origin: String,
    pub priorities: Vec<String>,
    pub categories: Vec<Category>,
    pub rules: BTreeMap<String, RuleSetting>,
    pub custom_rules: Vec<std::sync::Arc<CustomRule>>,
    /// The policy files it was composed from (none for the built-in policy): they are
    /// settings, never catalogue files.
    pub files: Vec<PathBuf>,
    /// The kinds a catalogue may hold: the built-in ones and the policy's own.
    pub kinds: crate::catalogue::Kinds,
    /// Every kind's schema, organisation fields merged in, compiled once.
    pub schemas: crate::schema::Schemas,
    /// The references the policy adds, to its own kinds or from built-in ones.
    pub references: Vec<references::Reference>,
    /// Entities outside the linted files (`external:` globs).
    external: Option<globset::GlobSet>,
    /// How `catalint diff` classes change kinds (`review:`).
    pub review: Review,
}

/// The `review:` section, for `catalint diff`: change kinds re-classed, and the kinds that
/// need review. The policy schema admits only known kinds and classes.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    #[serde(default)]
    pub classes: BTreeMap<String, String>,
    #[serde(default)]
    pub required: Vec<String>,
}

impl Policy {
    /// The embedded default policy.
    pub fn builtin() -> Result<Policy, SettingsError> {
        Self::compose(Source::Profile(BUILTIN))
    }

    /// A policy file, with everything it `extends`; a profile's name where no file of that
    /// name exists (`--policy backstage`).
    pub fn from_file(path: &Path) -> Result<Policy, SettingsError> {
        if !path.exists()
            && let Some(name) = path.file_name().and_then(|n| n.to_str())
            && let Some((name, _)) = PROFILES.iter().find(|(n, _)| *n == name)
        {
            return Self::compose(Source::Profile(name));
        }
        Self::compose(Source::File(path.to_path_buf()))
    }

    /// Whether an entity outside the linted files is declared (`external:`).
    pub fn is_external(&self, canonical: &str) -> bool {
        self.external
            .as_ref()
            .is_some_and(|g| g.is_match(canonical))
    }

    /// The references the policy adds to entities of `kind`.
    pub fn references_of(
        &self,
        kind: crate::catalogue::Kind,
    ) -> impl Iterator<Item = &references::Reference> {
        self.references.iter().filter(move |r| r.from == kind)
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    pub fn category_ids(&self) -> impl Iterator<Item = &str> {
        self.categories.iter().map(|c| c.id.as_str())
    }

    /// "business, application, ... or professional".
    pub fn category_list(&self) -> String {
        let ids: Vec<&str> = self.category_ids().collect();
        match ids.split_last() {
            None => String::new(),
            Some((last, [])) => (*last).to_owned(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        }
    }

    /// Whether a rule id is built in or one of this policy's custom rules.
    pub fn knows(&self, id: &str) -> bool {
        BUILTIN_RULES.contains(&id) || self.custom_rules.iter().any(|r| r.def.id == id)
    }

    /// "unknown rule `x`; did you mean `y`?", over built-in and custom rules.
    pub fn unknown_rule_message(&self, id: &str) -> String {
        crate::suggest::unknown_rule_message(id, self.rule_ids())
    }

    /// The nearest known rule id to an unknown one, if one is close enough to be a typo.
    pub fn nearest_rule(&self, id: &str) -> Option<&str> {
        crate::suggest::nearest(id, self.rule_ids())
    }

    /// Every rule id this policy knows: built-in, then custom.
    fn rule_ids(&self) -> impl Iterator<Item = &str> + '_ {
        BUILTIN_RULES
            .iter()
            .copied()
            .chain(self.custom_rules.iter().map(|r| r.def.id.as_str()))
    }

    /// The severity the policy sets for a rule, if it sets one.
    pub fn level(&self, rule: &str) -> Option<Level> {
        self.rules.get(rule).and_then(|r| r.severity)
    }

    pub fn option(&self, rule: &str, name: &str) -> Option<&Value> {
        self.rules.get(rule).and_then(|r| r.options.get(name))
    }

    /// 0-based rank of a priority in the policy's order.
    pub fn priority_rank(&self, p: &str) -> Option<usize> {
        self.priorities.iter().position(|x| x == p)
    }
}
