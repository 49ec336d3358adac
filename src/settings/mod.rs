//! Everything that decides how a check runs, in one place: the config (`catalint.yaml`),
//! the policy, the severity levels from every source, and the input limits. Loaded once
//! per workspace, before any file is read; a change to the config or the policy reloads
//! it whole.

pub mod config;
mod levels;

use std::path::{Path, PathBuf};

pub use levels::Levels;

use crate::error::RunError;
use crate::load::Limits;
use crate::policy::{Level, Policy};
use crate::read::{DEFAULT_FILE_SIZE, MAX_FILE_SIZE};
use config::{Config, FailOn};

/// Which config file applies.
#[derive(Debug, Clone, Default)]
pub enum ConfigChoice {
    /// The nearest `catalint.yaml` at or above the first path (or the current folder).
    #[default]
    Discover,
    File(PathBuf),
    None,
}

/// What to check and how: the command line, before config and policy are applied.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    pub config: ConfigChoice,
    pub policy: Option<PathBuf>,
    pub fail_on: Option<FailOn>,
    /// `--rule ID=LEVEL` overrides, strongest of all.
    pub rule_levels: Vec<(String, Level)>,
    /// Hide the findings recorded in this baseline.
    pub baseline: Option<PathBuf>,
}

/// The settings of a run, resolved from the command line, the config and the policy.
#[derive(Debug)]
pub struct Settings {
    pub config: Config,
    pub policy: Policy,
    pub levels: Levels,
    pub limits: Limits,
    /// Bytes beyond which a file is not read.
    pub file_size: u64,
    pub fail_on: FailOn,
}

impl Settings {
    pub fn load(opts: &CheckOptions) -> Result<Settings, RunError> {
        let (config, policy) =
            load_config_and_policy(&opts.config, opts.policy.as_deref(), opts.paths.first())?;
        for (id, _) in &opts.rule_levels {
            if !policy.knows(id) {
                return Err(RunError::Usage(policy.unknown_rule_message(id)));
            }
        }
        let levels = Levels::new(&opts.rule_levels, &config)?;
        let defaults = Limits::default();
        let limits = Limits {
            alias_nodes: config.limits.alias_nodes.unwrap_or(defaults.alias_nodes),
            depth: config.limits.depth.unwrap_or(defaults.depth),
            documents: config.limits.documents.unwrap_or(defaults.documents),
        };
        // Document trees address their text with 31-bit offsets: no setting reads a larger file.
        let file_size = config
            .limits
            .file_size
            .unwrap_or(DEFAULT_FILE_SIZE)
            .min(MAX_FILE_SIZE);
        let fail_on = opts.fail_on.or(config.fail_on).unwrap_or_default();
        Ok(Settings {
            config,
            policy,
            levels,
            limits,
            file_size,
            fail_on,
        })
    }

    /// Settings for texts held in memory: this policy, nothing else configured.
    pub fn in_memory(policy: Policy) -> Settings {
        Settings {
            config: Config::none(),
            policy,
            levels: Levels::default(),
            limits: Limits::default(),
            file_size: MAX_FILE_SIZE,
            fail_on: FailOn::default(),
        }
    }

    /// The files the settings were read from (never catalogue files themselves).
    pub fn files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = self.config.path.iter().cloned().collect();
        files.extend(self.policy.files.iter().cloned());
        files
    }

    /// Whether a rule is off for every file, so that its checks need not run at all.
    pub fn off_everywhere(&self, rule: &str) -> bool {
        self.levels.off_everywhere(rule, &self.config, &self.policy)
    }

    /// The level of a rule in one file, when any source sets one.
    pub fn level_for_file(&self, rule: &str, path: &Path) -> Option<Level> {
        self.levels.for_file(rule, path, &self.config, &self.policy)
    }
}

/// The config and the policy in force: `--policy` beats the config's `policy:`, which
/// beats the built-in default. `start` is where config discovery begins.
pub fn load_config_and_policy(
    choice: &ConfigChoice,
    policy: Option<&Path>,
    start: Option<&PathBuf>,
) -> Result<(Config, Policy), RunError> {
    let path = match choice {
        ConfigChoice::None => None,
        ConfigChoice::File(p) => Some(p.clone()),
        ConfigChoice::Discover => config::discover(start.map_or(Path::new("."), PathBuf::as_path)),
    };
    let mut config = match path {
        Some(p) => Config::load(&p)?,
        None => Config::none(),
    };
    let policy = match policy.or(config.policy.as_deref()) {
        Some(path) => Policy::from_file(path)?,
        None => Policy::builtin()?,
    };
    config.check_rule_ids(&policy)?;
    Ok((config, policy))
}
