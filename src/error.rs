//! Why a run could not be done (exit 2), as opposed to findings in the catalogue (exit 1).
//! Settings errors are here, not in `settings`, because the policy (below the settings,
//! which hold it) reads its files with them too.

use crate::diagnostic::Diagnostic;
use crate::source::Files;

/// Why a settings file could not be used.
#[derive(Debug)]
pub enum SettingsError {
    /// The file could not be read at all.
    Io(String),
    /// The file was read but is not valid: findings with spans, in their own file set.
    Invalid {
        files: Files,
        diagnostics: Vec<Diagnostic>,
    },
}

#[derive(Debug)]
pub enum RunError {
    /// Bad arguments: a path that does not exist, a folder with no catalogue files.
    Usage(String),
    /// A policy or config file that could not be read.
    Io(String),
    /// A policy or config file with findings; rendered like catalogue findings.
    Settings {
        files: Files,
        diagnostics: Vec<Diagnostic>,
    },
    /// A bug in catalint.
    Internal(String),
}

impl From<SettingsError> for RunError {
    fn from(e: SettingsError) -> Self {
        match e {
            SettingsError::Io(m) => RunError::Io(m),
            SettingsError::Invalid { files, diagnostics } => {
                RunError::Settings { files, diagnostics }
            }
        }
    }
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Usage(m) | RunError::Io(m) => f.write_str(m),
            RunError::Settings { files, diagnostics } => {
                let names: Vec<&str> = {
                    let mut n: Vec<&str> = diagnostics
                        .iter()
                        .map(|d| files.get(d.file()).path.as_str())
                        .collect();
                    n.dedup();
                    n
                };
                write!(
                    f,
                    "{} problem(s) in {}",
                    diagnostics.len(),
                    names.join(", ")
                )
            }
            RunError::Internal(m) => write!(f, "internal error: {m}"),
        }
    }
}
