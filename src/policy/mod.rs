//! The policy (the catalogue's vocabulary as data: categories, priorities, rule settings)
//! and the run's configuration (`catalint.yaml`).

pub mod config;
pub mod file;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::rules;
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

#[derive(Debug, Deserialize)]
struct PolicyFile {
    metadata: PolicyMeta,
    spec: PolicySpec,
}

#[derive(Debug, Deserialize)]
struct PolicyMeta {
    name: String,
}

#[derive(Debug, Deserialize)]
struct PolicySpec {
    priorities: Vec<String>,
    categories: Vec<Category>,
    #[serde(default)]
    rules: BTreeMap<String, RuleSetting>,
}

#[derive(Debug, Clone)]
pub struct Policy {
    pub name: String,
    /// The file it came from, or `built-in default`.
    pub origin: String,
    pub priorities: Vec<String>,
    pub categories: Vec<Category>,
    pub rules: BTreeMap<String, RuleSetting>,
}

impl Policy {
    /// The embedded default policy.
    pub fn builtin() -> Result<Policy, SettingsError> {
        Self::parse("built-in default policy", DEFAULT_POLICY.to_owned())
    }

    pub fn from_file(path: &Path) -> Result<Policy, SettingsError> {
        let schema = crate::schema::policy().map_err(SettingsError::Io)?;
        let settings = file::read(path, &schema, "policy")?;
        Self::from_settings(settings, path.display().to_string())
    }

    fn parse(name: &str, text: String) -> Result<Policy, SettingsError> {
        let schema = crate::schema::policy().map_err(SettingsError::Io)?;
        let settings = file::parse(name, text, &schema, "policy")?;
        Self::from_settings(settings, name.to_owned())
    }

    fn from_settings(settings: file::Settings, origin: String) -> Result<Policy, SettingsError> {
        let parsed: PolicyFile = match serde_json::from_value(settings.value().clone()) {
            Ok(p) => p,
            Err(e) => return Err(SettingsError::Io(format!("policy {origin}: {e}"))),
        };
        let mut diagnostics = Vec::new();
        for id in parsed.spec.rules.keys() {
            if rules::find(id).is_none() {
                diagnostics.push(
                    Diagnostic::new(
                        "schema",
                        Severity::Error,
                        rules::unknown_rule_message(id),
                        Label::new(
                            settings.at_key(&crate::load::push_segment("/spec/rules", id)),
                            "not a rule id",
                        ),
                    )
                    .with_help("`catalint rules` lists every rule id"),
                );
            }
        }
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, c) in parsed.spec.categories.iter().enumerate() {
            if let Some(first) = seen.insert(&c.id, i) {
                diagnostics.push(
                    Diagnostic::new(
                        "unique-id",
                        Severity::Error,
                        format!("category `{}` is defined twice", c.id),
                        Label::new(
                            settings.at(&format!("/spec/categories/{i}/id")),
                            "defined again here",
                        ),
                    )
                    .with_related(Label::new(
                        settings.at(&format!("/spec/categories/{first}/id")),
                        "first defined here",
                    )),
                );
            }
        }
        if !diagnostics.is_empty() {
            return Err(settings.invalid(diagnostics));
        }
        Ok(Policy {
            name: parsed.metadata.name,
            origin,
            priorities: parsed.spec.priorities,
            categories: parsed.spec.categories,
            rules: parsed.spec.rules,
        })
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
