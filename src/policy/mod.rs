//! The policy: the catalogue's vocabulary as data (categories, priorities, rule settings,
//! organisation fields and kinds, custom rules), read from policy files and profiles. The
//! run's configuration (`catalint.yaml`) is in [`crate::settings::config`].

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
#[serde(rename_all = "camelCase")]
struct PolicySpec {
    #[serde(default)]
    extends: Option<Extends>,
    #[serde(default)]
    priorities: Option<Vec<String>>,
    #[serde(default)]
    categories: Option<Vec<Category>>,
    #[serde(default)]
    rules: BTreeMap<String, RuleSetting>,
    #[serde(default)]
    custom_rules: Vec<serde_json::Value>,
    /// Kinds the organisation adds (`Supplier: {spec: <JSON Schema>, references: [...]}`).
    #[serde(default)]
    kinds: serde_json::Map<String, Value>,
    /// Fields added to kinds (`Service: {properties: {spec: {properties: {...}}}}`).
    #[serde(default)]
    fields: serde_json::Map<String, Value>,
    /// References added to kinds (`Service: [{path: /spec/supplier, kind: Supplier}]`).
    #[serde(default)]
    references: serde_json::Map<String, Value>,
    /// The entity format (`catalint` or `backstage`); later layers override earlier ones.
    #[serde(default)]
    format: Option<String>,
    /// Entities outside the linted files that references may name: globs over
    /// `kind:namespace/name` in lower case (Backstage catalogues).
    #[serde(default)]
    external: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Extends {
    One(String),
    Many(Vec<String>),
}

impl Extends {
    fn entries(&self) -> Vec<(String, &str)> {
        match self {
            Extends::One(s) => vec![("/spec/extends".to_owned(), s.as_str())],
            Extends::Many(v) => v
                .iter()
                .enumerate()
                .map(|(i, s)| (format!("/spec/extends/{i}"), s.as_str()))
                .collect(),
        }
    }
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
}

/// One policy file of an `extends` chain, parsed.
struct Layer {
    origin: String,
    path: Option<PathBuf>,
    settings: file::Settings,
    spec: PolicySpec,
    name: String,
}

enum Source {
    /// A profile embedded in the binary, by name.
    Profile(&'static str),
    File(PathBuf),
}

fn invalid(
    settings: &file::Settings,
    pointer: &str,
    message: String,
    label: &str,
    help: &str,
) -> Diagnostic {
    Diagnostic::new(
        crate::diagnostic::ids::SCHEMA,
        Severity::Error,
        message,
        Label::new(settings.at(pointer), label),
    )
    .with_help(help)
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

    fn compose(source: Source) -> Result<Policy, SettingsError> {
        let schema = crate::schema::policy().map_err(SettingsError::Io)?;
        let root = match &source {
            Source::File(p) => Some(crate::paths::parent_dir(p)),
            Source::Profile(_) => None,
        };
        let mut layers = Vec::new();
        collect(
            source,
            &schema,
            root.as_deref(),
            &mut Vec::new(),
            &mut layers,
        )?;
        Self::merge(layers)
    }

    /// Later layers override earlier ones: `priorities` and `categories` are replaced
    /// whole, rule settings and custom rules per id.
    fn merge(layers: Vec<Layer>) -> Result<Policy, SettingsError> {
        let mut priorities = None;
        let mut categories = None;
        let mut rules_map: BTreeMap<String, RuleSetting> = BTreeMap::new();
        let mut custom: Vec<std::sync::Arc<CustomRule>> = Vec::new();
        let (mut name, mut origin) = (String::new(), String::new());
        let files: Vec<PathBuf> = layers.iter().filter_map(|l| l.path.clone()).collect();
        let format = match layers.iter().rev().find_map(|l| l.spec.format.as_deref()) {
            Some("backstage") => crate::catalogue::Format::Backstage,
            _ => crate::catalogue::Format::Catalint,
        };
        let external_lists: Vec<(&file::Settings, &[String])> = layers
            .iter()
            .map(|l| (&l.settings, l.spec.external.as_slice()))
            .collect();
        let external = match external::globs(&external_lists) {
            Ok(g) => g,
            Err((li, diagnostics)) => {
                return Err(layers
                    .into_iter()
                    .nth(li)
                    .map_or(SettingsError::Io("policy".into()), |l| {
                        l.settings.invalid(diagnostics)
                    }));
            }
        };
        let composed = kinds::compose(
            format,
            &layers
                .iter()
                .map(|l| kinds::LayerKinds {
                    settings: &l.settings,
                    origin: &l.origin,
                    kinds: &l.spec.kinds,
                    fields: &l.spec.fields,
                    references: &l.spec.references,
                })
                .collect::<Vec<_>>(),
        );
        let composed = match composed {
            Ok(c) => c,
            Err((li, diagnostics)) => {
                return Err(layers
                    .into_iter()
                    .nth(li)
                    .map_or(SettingsError::Io("policy".into()), |l| {
                        l.settings.invalid(diagnostics)
                    }));
            }
        };
        // Custom rules first, so that `rules:` settings may name them in any layer.
        let mut all_custom: Vec<(usize, usize, CustomRuleDef)> = Vec::new();
        for (li, layer) in layers.iter().enumerate() {
            let mut diagnostics = Vec::new();
            for (i, raw) in layer.spec.custom_rules.iter().enumerate() {
                let at = format!("/spec/customRules/{i}");
                match serde_json::from_value::<CustomRuleDef>(raw.clone()) {
                    Ok(def) => {
                        if BUILTIN_RULES.contains(&def.id.as_str()) {
                            diagnostics.push(invalid(
                                &layer.settings,
                                &format!("{at}/id"),
                                format!("custom rule `{}` has the id of a built-in rule", def.id),
                                "already a built-in rule",
                                "choose another id; to change a built-in rule's severity, use `rules:`",
                            ));
                        } else {
                            all_custom.push((li, i, def));
                        }
                    }
                    Err(e) => diagnostics.push(invalid(
                        &layer.settings,
                        &at,
                        format!("invalid custom rule: {e}"),
                        "here",
                        "see `catalint schema Policy`",
                    )),
                }
            }
            if !diagnostics.is_empty() {
                return Err(layers
                    .into_iter()
                    .nth(li)
                    .map_or(SettingsError::Io("policy".into()), |l| {
                        l.settings.invalid(diagnostics)
                    }));
            }
        }
        let mut compile_errors: Vec<(usize, Diagnostic)> = Vec::new();
        for (li, i, def) in all_custom {
            let layer = &layers[li];
            let at = format!("/spec/customRules/{i}");
            match CustomRule::compile(def, layer.origin.clone(), &composed.kinds, &at) {
                Ok(rule) => {
                    custom.retain(|r| r.def.id != rule.def.id);
                    custom.push(std::sync::Arc::new(rule));
                }
                Err(errors) => {
                    for (pointer, message, help) in errors {
                        compile_errors.push((
                            li,
                            invalid(
                                &layer.settings,
                                &format!("{at}{pointer}"),
                                format!("custom rule: {message}"),
                                "here",
                                help.as_deref().unwrap_or(
                                    "fix the rule's definition; `catalint schema Policy` describes it",
                                ),
                            ),
                        ));
                    }
                }
            }
        }
        if let Some((li, _)) = compile_errors.first() {
            let li = *li;
            let diagnostics = compile_errors
                .into_iter()
                .filter(|(l, _)| *l == li)
                .map(|(_, d)| d)
                .collect();
            return Err(layers
                .into_iter()
                .nth(li)
                .map_or(SettingsError::Io("policy".into()), |l| {
                    l.settings.invalid(diagnostics)
                }));
        }
        let knows = |id: &str| BUILTIN_RULES.contains(&id) || custom.iter().any(|r| r.def.id == id);
        let all_ids: Vec<String> = BUILTIN_RULES
            .iter()
            .map(|id| (*id).to_owned())
            .chain(custom.iter().map(|r| r.def.id.clone()))
            .collect();
        for layer in layers {
            let mut diagnostics = Vec::new();
            for id in layer.spec.rules.keys() {
                if !knows(id) {
                    diagnostics.push(
                        Diagnostic::new(
                            crate::diagnostic::ids::SCHEMA,
                            Severity::Error,
                            crate::suggest::unknown_rule_message(
                                id,
                                all_ids.iter().map(String::as_str),
                            ),
                            Label::new(
                                layer
                                    .settings
                                    .at_key(&crate::load::push_segment("/spec/rules", id)),
                                "not a rule id",
                            ),
                        )
                        .with_help("`catalint rules` lists every rule id, custom rules included"),
                    );
                }
            }
            let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
            for (i, c) in layer.spec.categories.iter().flatten().enumerate() {
                if let Some(first) = seen.insert(&c.id, i) {
                    diagnostics.push(
                        invalid(
                            &layer.settings,
                            &format!("/spec/categories/{i}/id"),
                            format!("category `{}` is defined twice", c.id),
                            "defined again here",
                            "keep one definition",
                        )
                        .with_related(Label::new(
                            layer.settings.at(&format!("/spec/categories/{first}/id")),
                            "first defined here",
                        )),
                    );
                }
            }
            if !diagnostics.is_empty() {
                return Err(layer.settings.invalid(diagnostics));
            }
            if let Some(p) = layer.spec.priorities {
                priorities = Some(p);
            }
            if let Some(c) = layer.spec.categories {
                categories = Some(c);
            }
            rules_map.extend(layer.spec.rules);
            name = layer.name;
            origin = layer.origin;
        }
        // A Backstage catalogue has no service categories or priorities.
        if format == crate::catalogue::Format::Backstage {
            priorities = priorities.or(Some(Vec::new()));
            categories = categories.or(Some(Vec::new()));
        }
        let (Some(priorities), Some(categories)) = (priorities, categories) else {
            return Err(SettingsError::Io(format!(
                "policy {origin} defines no `priorities` or no `categories` (nor does any policy it extends); add them, or `extends: {BUILTIN}`"
            )));
        };
        Ok(Policy {
            name,
            origin,
            priorities,
            categories,
            rules: rules_map,
            custom_rules: custom,
            files,
            kinds: composed.kinds,
            schemas: composed.schemas,
            references: composed.references,
            external,
        })
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

/// Reads one policy file and, first, everything it extends.
fn collect(
    source: Source,
    schema: &crate::schema::Compiled,
    root: Option<&Path>,
    stack: &mut Vec<PathBuf>,
    layers: &mut Vec<Layer>,
) -> Result<(), SettingsError> {
    let (settings, origin, dir) = match &source {
        Source::Profile(name) => {
            let origin = match *name {
                BUILTIN => "built-in default policy".to_owned(),
                other => format!("built-in {other} profile"),
            };
            let text = profile(name).unwrap_or(DEFAULT_POLICY);
            (
                file::parse(&origin, text.to_owned(), schema, "policy")?,
                origin,
                None,
            )
        }
        Source::File(path) => (
            file::read(path, schema, "policy")?,
            crate::paths::shown(path),
            Some(crate::paths::parent_dir(path)),
        ),
    };
    let parsed: PolicyFile = serde_json::from_value(settings.value())
        .map_err(|e| SettingsError::Io(format!("policy {origin}: {e}")))?;
    if let Some(extends) = &parsed.spec.extends {
        for (pointer, entry) in extends.entries() {
            let next = if let Some((name, _)) = PROFILES.iter().find(|(n, _)| *n == entry) {
                Source::Profile(name)
            } else {
                let (Some(dir), Some(root)) = (dir.as_deref(), root) else {
                    return Err(SettingsError::Io(
                        "the built-in policy extends nothing".into(),
                    ));
                };
                let path = dir.join(entry);
                if !file::stays_inside(root, &path) {
                    let d = invalid(
                        &settings,
                        &pointer,
                        format!("`{entry}` is outside the policy's folder"),
                        "leads outside",
                        "a policy may extend `default` or files in its own folder tree",
                    );
                    return Err(settings.invalid(vec![d]));
                }
                let canonical = std::fs::canonicalize(&path).map_err(|e| (e, path.clone()));
                match canonical {
                    Err((e, path)) => {
                        let d = invalid(
                            &settings,
                            &pointer,
                            format!("cannot read `{}`: {e}", path.display()),
                            "extended here",
                            "check the path; it is relative to this policy file",
                        );
                        return Err(settings.invalid(vec![d]));
                    }
                    Ok(c) if stack.contains(&c) => {
                        let mut chain: Vec<String> =
                            stack.iter().map(|p| p.display().to_string()).collect();
                        chain.push(c.display().to_string());
                        let d = invalid(
                            &settings,
                            &pointer,
                            format!(
                                "policies extend each other in a cycle: {}",
                                chain.join(" -> ")
                            ),
                            "extends a policy that extends this one",
                            "remove one of the `extends`",
                        );
                        return Err(settings.invalid(vec![d]));
                    }
                    Ok(_) => Source::File(path),
                }
            };
            if let Source::File(p) = &source
                && let Ok(c) = std::fs::canonicalize(p)
            {
                stack.push(c);
            }
            let nested = collect(next, schema, root, stack, layers);
            if matches!(source, Source::File(_)) {
                stack.pop();
            }
            nested?;
        }
    }
    layers.push(Layer {
        origin,
        path: match &source {
            Source::File(p) => Some(p.clone()),
            Source::Profile(_) => None,
        },
        name: parsed.metadata.name,
        spec: parsed.spec,
        settings,
    });
    Ok(())
}
