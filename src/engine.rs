//! The pipeline, in order: discover files -> load YAML with spans -> build the catalogue
//! index -> schema validation -> rules (per entity, then catalogue-wide) -> severities and
//! sorting. [`crate::workspace`] runs the stages and keeps their results for re-checks; this
//! module is its one-shot use, returning data that reporters turn into output and `main`
//! into an exit code.

use std::path::PathBuf;

use crate::catalogue::Catalogue;
use crate::diagnostic::Diagnostic;
use crate::error::RunError;
use crate::policy::Policy;
use crate::schema::Schemas;

pub use crate::read::{DEFAULT_FILE_SIZE, Input, MAX_FILE_SIZE, ReadLimits};
pub use crate::settings::{CheckOptions, ConfigChoice};
pub use crate::timings::{Stage, Timings};
pub use crate::workspace::Outcome;
use crate::workspace::Workspace;

/// Runs the whole pipeline once.
pub fn check(opts: &CheckOptions) -> Result<Outcome, RunError> {
    Workspace::check_once(opts)
}

/// Checks files held in memory under the given policy, with suppressions applied: the whole
/// pipeline but discovery and reading, for the fixer's re-checks, fuzzing and mutation tests.
pub fn check_texts(
    files: &[(&str, &str)],
    schemas: &Schemas,
    policy: &Policy,
) -> (Catalogue, Vec<Diagnostic>) {
    check_texts_within(files, schemas, policy, &ReadLimits::default())
}

/// [`check_texts`] under a run's limits: what the fixer re-checks its rounds with.
pub fn check_texts_within(
    files: &[(&str, &str)],
    schemas: &Schemas,
    policy: &Policy,
    limits: &ReadLimits,
) -> (Catalogue, Vec<Diagnostic>) {
    crate::workspace::check_texts(files, schemas, policy, limits)
}

/// The config and the policy in force (see [`crate::settings::load_config_and_policy`]).
pub fn load_settings(
    choice: &ConfigChoice,
    policy: Option<&std::path::Path>,
    start: Option<&PathBuf>,
) -> Result<(crate::settings::config::Config, Policy), RunError> {
    crate::settings::load_config_and_policy(choice, policy, start)
}

/// [`check`] through the on-disk cache in `cache` (see [`crate::cache`]); without one, the
/// same as [`check`].
pub fn check_cached(
    opts: &CheckOptions,
    cache: Option<&std::path::Path>,
) -> Result<Outcome, RunError> {
    match cache {
        Some(dir) => Ok(Workspace::open_cached(opts, dir)?.into_outcome()),
        None => check(opts),
    }
}
