//! Rule levels from every source, strongest first: the command line, the config's per-path
//! overrides (the last matching one wins), the config's `rules`, the policy.

use std::collections::BTreeMap;
use std::path::Path;

use crate::discover::Globs;
use crate::error::RunError;
use crate::policy::{Level, Policy};
use crate::settings::config::Config;

#[derive(Debug, Default)]
pub struct Levels {
    cli: Vec<(String, Level)>,
    /// The config's `overrides`, with their globs compiled.
    overrides: Vec<(Globs, BTreeMap<String, Level>)>,
}

impl Levels {
    pub fn new(cli: &[(String, Level)], config: &Config) -> Result<Self, RunError> {
        let overrides = config
            .overrides
            .iter()
            .map(|o| Ok((Globs::new(&config.dir, &o.files)?, o.rules.clone())))
            .collect::<Result<_, RunError>>()?;
        Ok(Self {
            cli: cli.to_vec(),
            overrides,
        })
    }

    fn cli(&self, rule: &str) -> Option<Level> {
        self.cli
            .iter()
            .rev()
            .find(|(id, _)| id == rule)
            .map(|(_, l)| *l)
    }

    fn global(&self, rule: &str, config: &Config, policy: &Policy) -> Option<Level> {
        self.cli(rule)
            .or_else(|| config.rules.get(rule).copied())
            .or_else(|| policy.level(rule))
    }

    pub fn for_file(
        &self,
        rule: &str,
        path: &Path,
        config: &Config,
        policy: &Policy,
    ) -> Option<Level> {
        self.cli(rule)
            .or_else(|| {
                self.overrides
                    .iter()
                    .rev()
                    .find(|(globs, rules)| rules.contains_key(rule) && globs.matches(path))
                    .and_then(|(_, rules)| rules.get(rule).copied())
            })
            .or_else(|| self.global(rule, config, policy))
    }

    /// Whether a rule is off for every file, so that its checks need not run at all.
    pub fn off_everywhere(&self, rule: &str, config: &Config, policy: &Policy) -> bool {
        self.global(rule, config, policy) == Some(Level::Off)
            && (self.cli(rule).is_some()
                || !self
                    .overrides
                    .iter()
                    .any(|(_, r)| r.get(rule).is_some_and(|l| *l != Level::Off)))
    }
}
