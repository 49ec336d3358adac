//! One workspace folder: its catalogue's [`Workspace`], the changes waiting to be checked,
//! and what was last published for its files.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use lsp_types::Uri;

use super::convert::Encoding;
use super::diagnostics;
use super::documents::Documents;
use crate::diagnostic::Diagnostic;
use crate::error::RunError;
use crate::settings::config::CONFIG_NAMES;
use crate::settings::{CheckOptions, ConfigChoice};
use crate::source::Files;
use crate::workspace::{Change, Workspace};

pub struct Folder {
    pub root: PathBuf,
    ws: Option<Workspace>,
    pending: Vec<Change>,
    /// The open documents whose text the workspace holds.
    overlaid: HashSet<PathBuf>,
    /// What the editor shows for each file, as last published.
    pub published: HashMap<Uri, Vec<lsp_types::Diagnostic>>,
    /// The findings in the config or policy that kept the workspace from opening.
    settings_findings: Option<(Files, Vec<Diagnostic>)>,
    /// A message for the user, shown once.
    message: Option<String>,
}

/// The folder a file opened outside any named folder stands for: the folder of the nearest
/// `catalint.yaml` above it, else its own folder.
pub fn root_for_file(path: &Path) -> PathBuf {
    let dir = path.parent().unwrap_or(path).to_path_buf();
    crate::settings::config::discover(&dir)
        .and_then(|c| c.parent().map(Path::to_path_buf))
        .map(|c| std::path::absolute(&c).unwrap_or(c))
        .unwrap_or(dir)
}

impl Folder {
    pub fn new(root: PathBuf) -> Self {
        Folder {
            root,
            ws: None,
            pending: Vec::new(),
            overlaid: HashSet::new(),
            published: HashMap::new(),
            settings_findings: None,
            message: None,
        }
    }

    pub fn workspace(&self) -> Option<&Workspace> {
        self.ws.as_ref()
    }

    /// Opens the catalogue as `catalint check ROOT` would (config discovery included), with
    /// the editor's texts of the open documents.
    pub fn open(&mut self, documents: &Documents) {
        let opts = CheckOptions {
            paths: vec![self.root.clone()],
            config: ConfigChoice::Discover,
            ..CheckOptions::default()
        };
        self.overlaid.clear();
        self.settings_findings = None;
        match Workspace::open(&opts) {
            Ok(ws) => {
                self.ws = Some(ws);
                self.overlay(documents);
            }
            Err(e) => self.fail(e),
        }
    }

    fn fail(&mut self, e: RunError) {
        self.ws = None;
        self.message = Some(format!(
            "catalint: cannot check {}: {e}",
            self.root.display()
        ));
        if let RunError::Settings { files, diagnostics } = e {
            self.settings_findings = Some((files, diagnostics));
        }
    }

    /// Hands the workspace the texts of open documents that are catalogue files and that
    /// it does not hold yet (files that just joined the catalogue, or all after opening).
    fn overlay(&mut self, documents: &Documents) {
        let Some(ws) = self.ws.as_mut() else { return };
        let changes: Vec<Change> = documents
            .iter()
            .filter(|(p, _)| !self.overlaid.contains(*p) && ws.file_id(p).is_some())
            .map(|(p, d)| Change::Text {
                path: p.clone(),
                text: d.text.clone(),
            })
            .collect();
        if changes.is_empty() {
            return;
        }
        for c in &changes {
            if let Change::Text { path, .. } = c {
                self.overlaid.insert(path.clone());
            }
        }
        if let Err(e) = ws.apply(changes) {
            self.fail(e);
        }
    }

    /// Queues a change. An editor's text replaces any earlier pending one of that file:
    /// only the latest is checked.
    pub fn queue(&mut self, change: Change) {
        match &change {
            Change::Text { path, .. } | Change::Closed(path) => {
                // Only catalogue files are the workspace's business: an edit in a file the
                // config leaves out must not make it look for files again on every key.
                let known = self
                    .ws
                    .as_ref()
                    .is_some_and(|ws| ws.file_id(path).is_some());
                if !known {
                    return;
                }
                let path = path.clone();
                self.pending.retain(|c| match c {
                    Change::Text { path: p, .. } | Change::Closed(p) => *p != path,
                    _ => true,
                });
                match &change {
                    Change::Text { .. } => self.overlaid.insert(path),
                    _ => self.overlaid.remove(&path),
                };
            }
            Change::Settings if self.pending.iter().any(|c| matches!(c, Change::Settings)) => {
                return;
            }
            _ => {}
        }
        self.pending.push(change);
    }

    pub fn dirty(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Checks the pending changes. A folder whose workspace could not be opened tries again.
    pub fn check(&mut self, documents: &Documents) {
        let changes = std::mem::take(&mut self.pending);
        let Some(ws) = self.ws.as_mut() else {
            return self.open(documents);
        };
        let settings = changes.iter().any(|c| matches!(c, Change::Settings));
        let structural = changes.iter().any(|c| matches!(c, Change::OnDisk(_)));
        if settings {
            // A reload keeps the editor's texts, but re-reads the list of files: the open
            // documents are handed over again below.
            self.overlaid.clear();
        }
        match ws.apply(changes) {
            Ok(()) if settings || structural => self.overlay(documents),
            Ok(()) => {}
            Err(e) => self.fail(e),
        }
    }

    /// Whether a file is the config or a policy of this folder's catalogue (or a config
    /// that could become one).
    pub fn is_settings_file(&self, path: &Path) -> bool {
        let named = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| CONFIG_NAMES.contains(&n));
        if named
            && (path.starts_with(&self.root)
                || self.root.starts_with(path.parent().unwrap_or(path)))
        {
            return true;
        }
        let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        match &self.ws {
            Some(ws) => ws.settings().files().iter().any(|f| absolute(f) == path),
            // After a failed open any file may be what it lacked.
            None => path.starts_with(&self.root),
        }
    }

    /// Every file's findings, by URI.
    pub fn diagnostics(&self, encoding: Encoding) -> HashMap<Uri, Vec<lsp_types::Diagnostic>> {
        match (&self.ws, &self.settings_findings) {
            (Some(ws), _) => diagnostics::by_file(
                ws.diagnostics(),
                ws.files(),
                Some(&ws.settings().policy),
                encoding,
            ),
            (None, Some((files, found))) => diagnostics::by_file(found, files, None, encoding),
            (None, None) => HashMap::new(),
        }
    }

    pub fn take_message(&mut self) -> Option<String> {
        self.message.take()
    }
}
