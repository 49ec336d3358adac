//! One workspace folder: its catalogue's [`Workspace`], the changes waiting to be checked,
//! and what was last published for its files.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use lsp_types::Uri;

use super::convert::Encoding;
use super::diagnostics;
use super::documents::Documents;
use super::{recover, rescan};
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
    /// The findings in the config or policy that kept the workspace from opening, or from
    /// taking a settings change in (it then keeps the last settings that worked).
    settings_findings: Option<(Files, Vec<Diagnostic>)>,
    /// A message for the user, shown once.
    message: Option<String>,
    /// Lines for the editor's log (`window/logMessage`), sent with the next publication.
    logs: Vec<String>,
    /// The workspace is to be opened again before the next check (after a failure that
    /// may have left it half-changed).
    reopen: bool,
    /// Opening again after a failure: a second failure gives up instead of looping.
    recovering: bool,
    /// The disk as last scanned, when the server scans because the client cannot watch.
    disk: Option<rescan::Disk>,
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
    /// A folder; `scan`: the client cannot watch files, so the folder scans the disk.
    pub fn new(root: PathBuf, scan: bool) -> Self {
        Folder {
            disk: scan.then(rescan::Disk::default),
            root,
            ws: None,
            pending: Vec::new(),
            overlaid: HashSet::new(),
            published: HashMap::new(),
            settings_findings: None,
            message: None,
            logs: Vec::new(),
            reopen: false,
            recovering: false,
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
        self.reopen = false;
        self.ws = None;
        // Before reading: a file written while the workspace reads is seen by the next scan.
        if self.disk.is_some() {
            self.disk = Some(rescan::Disk::scan(&self.root, Vec::new()));
        }
        let opened = recover::catch(|| {
            recover::fault("open");
            Workspace::open(&opts)
        });
        match opened {
            Ok(Ok(ws)) => {
                self.ws = Some(ws);
                let elsewhere = self.catalogue_files_elsewhere();
                if let Some(disk) = &mut self.disk {
                    disk.add(elsewhere);
                }
                self.overlay(documents);
            }
            Ok(Err(e)) => self.fail(e),
            Err(panic) => {
                // Nothing is left to fall back on: the next change tries again.
                self.logs.push(format!(
                    "catalint: opening {} failed: {panic}; it is tried again on the next change",
                    self.root.display()
                ));
                self.message = Some(format!(
                    "catalint: cannot check {} (an internal error, logged); it is tried again on the next change",
                    self.root.display()
                ));
            }
        }
    }

    /// A workspace change panicked: the state it left is not trusted, so the catalogue is
    /// read again from scratch (with the editor's texts), as when the folder was opened.
    fn recover(&mut self, what: &str, panic: String, documents: &Documents) {
        self.pending.clear();
        if self.recovering {
            // Failed again while opening afresh: give up until the next change.
            self.ws = None;
            self.logs.push(format!(
                "catalint: {what} in {} failed again: {panic}; it is tried again on the next change",
                self.root.display()
            ));
            return;
        }
        self.logs.push(format!(
            "catalint: {what} in {} failed: {panic}; the catalogue was opened again",
            self.root.display()
        ));
        self.recovering = true;
        self.open(documents);
        self.recovering = false;
    }

    /// After a failure elsewhere (a handler that panicked), the workspace is opened again
    /// before the next check.
    pub fn mark_for_reopen(&mut self) {
        self.reopen = true;
    }

    /// What changed on disk since the last scan (nothing when the client watches).
    pub fn rescan(&mut self) -> Vec<PathBuf> {
        let Some(before) = &self.disk else {
            return Vec::new();
        };
        let now = rescan::Disk::scan(&self.root, self.catalogue_files_elsewhere());
        let changes = before.changes(&now);
        self.disk = Some(now);
        changes
    }

    /// The config and the policy files.
    fn settings_files(&self) -> Vec<PathBuf> {
        let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        self.ws
            .iter()
            .flat_map(|ws| ws.settings().files())
            .map(|p| absolute(&p))
            .collect()
    }

    /// The settings files, and the catalogue's files outside the folder (a config above it
    /// may include them).
    fn catalogue_files_elsewhere(&self) -> Vec<PathBuf> {
        let mut out = self.settings_files();
        if let Some(ws) = &self.ws {
            let files = ws.files();
            for i in 0..files.len() {
                let id = crate::source::FileId(u32::try_from(i).unwrap_or(u32::MAX));
                let path = std::path::absolute(Path::new(&files.get(id).path));
                if let Ok(path) = path
                    && !path.starts_with(&self.root)
                {
                    out.push(path);
                }
            }
        }
        out
    }

    pub fn take_logs(&mut self) -> Vec<String> {
        std::mem::take(&mut self.logs)
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
        match recover::catch(|| ws.apply(changes)) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => self.fail(e),
            Err(panic) => self.recover("taking the open documents in", panic, documents),
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
        !self.pending.is_empty() || self.reopen
    }

    /// Checks the pending changes. A folder whose workspace could not be opened tries again.
    pub fn check(&mut self, documents: &Documents) {
        let changes = std::mem::take(&mut self.pending);
        if self.reopen {
            return self.open(documents);
        }
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
        let applied = recover::catch(|| {
            recover::fault("check");
            ws.apply(changes)
        });
        if settings && matches!(applied, Ok(Ok(()))) {
            self.settings_findings = None;
        }
        match applied {
            Ok(Ok(())) if settings || structural => self.overlay(documents),
            Ok(Ok(())) => {}
            // The config or the policy is broken while being edited: the workspace is as
            // it was, so its findings stay, beside the settings' own.
            Ok(Err(RunError::Settings { files, diagnostics })) if settings => {
                self.message = Some(format!(
                    "catalint: the config or policy of {} has errors; the findings shown are \
                     those of the last settings that worked",
                    self.root.display()
                ));
                self.settings_findings = Some((files, diagnostics));
            }
            Ok(Err(e)) => self.fail(e),
            Err(panic) => self.recover("a check", panic, documents),
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
            (Some(ws), settings) => {
                let mut out = diagnostics::by_file(
                    ws.diagnostics(),
                    ws.files(),
                    Some(&ws.settings().policy),
                    encoding,
                );
                for (uri, list) in settings
                    .iter()
                    .flat_map(|(files, found)| diagnostics::by_file(found, files, None, encoding))
                {
                    out.entry(uri).or_default().extend(list);
                }
                out
            }
            (None, Some((files, found))) => diagnostics::by_file(found, files, None, encoding),
            (None, None) => HashMap::new(),
        }
    }

    pub fn take_message(&mut self) -> Option<String> {
        self.message.take()
    }
}
