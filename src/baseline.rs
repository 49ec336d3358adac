//! Baselines, for adopting catalint on a catalogue that is not clean yet:
//! `catalint check --write-baseline FILE` records today's findings, `--baseline FILE`
//! reports only the others. Entries are keyed by file, rule, JSON pointer and a short hash
//! of the offending text ([`fingerprint`]), never by line number, so editing other parts of
//! a file does not bring old findings back.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Fingerprint, fingerprint};
use crate::error::RunError;
use crate::source::Files;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    tool: String,
    entries: Vec<Fingerprint>,
}

/// Known findings, counted, so that a second identical finding is still new.
#[derive(Debug, Default, Clone)]
pub struct Baseline {
    known: HashMap<Fingerprint, usize>,
}

impl Baseline {
    pub fn read(path: &Path) -> Result<Baseline, RunError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| RunError::Io(format!("cannot read baseline {}: {e}", path.display())))?;
        let file: BaselineFile = serde_json::from_str(&text).map_err(|e| {
            RunError::Io(format!(
                "baseline {} is not a catalint baseline: {e} (line {}, column {}); write a new one with --write-baseline",
                path.display(),
                e.line(),
                e.column()
            ))
        })?;
        if file.version != 1 {
            return Err(RunError::Io(format!(
                "baseline {} has version {}; this catalint reads version 1",
                path.display(),
                file.version
            )));
        }
        let mut known = HashMap::new();
        for e in file.entries {
            *known.entry(e).or_insert(0) += 1;
        }
        Ok(Baseline { known })
    }

    /// Keeps the findings the baseline does not know; returns how many it hid.
    pub fn filter(&mut self, diagnostics: &mut Vec<Diagnostic>, files: &Files) -> usize {
        let before = diagnostics.len();
        diagnostics.retain(|d| match self.known.get_mut(&fingerprint(d, files)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        });
        before - diagnostics.len()
    }
}

/// Writes the baseline of these findings; returns how many entries it holds.
pub fn write(path: &Path, diagnostics: &[Diagnostic], files: &Files) -> std::io::Result<usize> {
    let mut entries: Vec<Fingerprint> = diagnostics.iter().map(|d| fingerprint(d, files)).collect();
    entries.sort();
    let file = BaselineFile {
        version: 1,
        tool: "catalint".into(),
        entries,
    };
    let mut text = serde_json::to_string_pretty(&file).map_err(std::io::Error::other)?;
    text.push('\n');
    std::fs::write(path, text)?;
    Ok(file.entries.len())
}
