//! `catalint.yaml`: which files make up the catalogue, which policy applies, severity
//! overrides, the failing severity and input limits. Found in the linted folder or its
//! ancestors; `--config FILE` names one, `--no-config` ignores them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::policy::Level;
use crate::policy::file::{self, SettingsError};

pub use crate::discover::CONFIG_NAMES;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum FailOn {
    #[default]
    Error,
    Warning,
    Never,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LimitsConfig {
    pub alias_nodes: Option<usize>,
    pub depth: Option<usize>,
    pub documents: Option<usize>,
    pub file_size: Option<u64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConfigFile {
    policy: Option<String>,
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    rules: BTreeMap<String, Level>,
    fail_on: Option<FailOn>,
    #[serde(default)]
    limits: LimitsConfig,
    #[serde(default)]
    overrides: Vec<Override>,
    repository: Option<String>,
}

/// Rule levels for some files only: `overrides: [{files: ["legacy/**"], rules: {sla-defined: off}}]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    pub files: Vec<String>,
    pub rules: BTreeMap<String, Level>,
}

#[derive(Debug, Default)]
pub struct Config {
    /// The config file, when there is one.
    pub path: Option<PathBuf>,
    /// The folder that relative paths and globs are resolved against.
    pub dir: PathBuf,
    pub policy: Option<PathBuf>,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub rules: BTreeMap<String, Level>,
    pub fail_on: Option<FailOn>,
    pub limits: LimitsConfig,
    pub overrides: Vec<Override>,
    /// Where the catalogue's files can be browsed (`https://github.com/o/r/blob/main`): the
    /// site links each entity to its file and line there.
    pub repository: Option<String>,
    /// The file as loaded, to point at rule ids that the policy turns out not to know.
    settings: Option<file::Settings>,
}

/// The nearest config file at or above `start`.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = if start.is_file() {
        crate::paths::parent_dir(start)
    } else {
        start.to_path_buf()
    };
    let cwd = crate::paths::Cwd::current();
    let named_absolutely = start.is_absolute();
    let start = cwd.absolute(&start);
    let mut dir = Some(start.as_path());
    while let Some(d) = dir {
        for name in CONFIG_NAMES {
            let candidate = d.join(name);
            if candidate.is_file() {
                // Spelled as the user spelled the start (relative stays relative, `..` for
                // an ancestor), so that the catalogue's files are shown the same way.
                return Some(PathBuf::from(cwd.show(&candidate, named_absolutely)));
            }
        }
        dir = d.parent();
    }
    None
}

impl Config {
    /// No config file: paths resolve against the current folder.
    pub fn none() -> Config {
        Config {
            dir: PathBuf::from("."),
            ..Config::default()
        }
    }

    /// Rule ids named in `rules:` and `overrides:` that the policy does not know: known
    /// only once the policy (and its custom rules) is loaded.
    pub fn check_rule_ids(&mut self, policy: &crate::policy::Policy) -> Result<(), SettingsError> {
        let mut named: Vec<(String, &String)> = self
            .rules
            .keys()
            .map(|id| ("/rules".to_owned(), id))
            .collect();
        for (i, o) in self.overrides.iter().enumerate() {
            named.extend(
                o.rules
                    .keys()
                    .map(|id| (format!("/overrides/{i}/rules"), id)),
            );
        }
        let Some(settings) = &self.settings else {
            return Ok(());
        };
        let diagnostics: Vec<Diagnostic> = named
            .into_iter()
            .filter(|(_, id)| !policy.knows(id))
            .map(|(base, id)| {
                Diagnostic::new(
                    crate::diagnostic::ids::SCHEMA,
                    Severity::Error,
                    policy.unknown_rule_message(id),
                    Label::new(
                        settings.at_key(&crate::load::push_segment(&base, id)),
                        "not a rule id",
                    ),
                )
                .with_help("`catalint rules` lists every rule id")
            })
            .collect();
        if diagnostics.is_empty() {
            return Ok(());
        }
        match self.settings.take() {
            Some(s) => Err(s.invalid(diagnostics)),
            None => Ok(()),
        }
    }

    pub fn load(path: &Path) -> Result<Config, SettingsError> {
        let schema = crate::schema::config().map_err(SettingsError::Io)?;
        let settings = file::read(path, &schema, "config")?;
        let parsed: ConfigFile = serde_json::from_value(settings.value())
            .map_err(|e| SettingsError::Io(format!("config {}: {e}", path.display())))?;
        let mut diagnostics = Vec::new();
        let mut glob_lists = vec![
            ("/include".to_owned(), &parsed.include),
            ("/exclude".to_owned(), &parsed.exclude),
        ];
        for (i, o) in parsed.overrides.iter().enumerate() {
            glob_lists.push((format!("/overrides/{i}/files"), &o.files));
        }
        for (list, globs) in glob_lists {
            for (i, g) in globs.iter().enumerate() {
                if let Err(e) = globset::Glob::new(g) {
                    diagnostics.push(Diagnostic::new(
                        crate::diagnostic::ids::SCHEMA,
                        Severity::Error,
                        format!("`{g}` is not a valid glob: {}", e.kind()),
                        Label::new(settings.at(&format!("{list}/{i}")), "invalid glob"),
                    ));
                }
            }
        }
        let dir = crate::paths::parent_dir(path);
        if let Some(policy) = &parsed.policy
            && !file::stays_inside(&dir, &dir.join(policy))
        {
            diagnostics.push(
                Diagnostic::new(
                    crate::diagnostic::ids::SCHEMA,
                    Severity::Error,
                    format!("the policy `{policy}` is outside the config's folder"),
                    Label::new(settings.at("/policy"), "leads outside this folder"),
                )
                .with_help(
                    "a config may only name files in its own folder tree; copy the policy in, \
                     or pass it explicitly with --policy",
                ),
            );
        }
        if !diagnostics.is_empty() {
            return Err(settings.invalid(diagnostics));
        }
        Ok(Config {
            path: Some(path.to_path_buf()),
            policy: parsed.policy.map(|p| dir.join(p)),
            dir,
            include: parsed.include,
            exclude: parsed.exclude,
            rules: parsed.rules,
            fail_on: parsed.fail_on,
            limits: parsed.limits,
            overrides: parsed.overrides,
            repository: parsed.repository,
            settings: Some(settings),
        })
    }
}
