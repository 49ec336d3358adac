//! In step with the disk when the client cannot watch files (it offers no dynamic
//! `workspace/didChangeWatchedFiles`, as Debian's Neovim 0.7): the server looks at the
//! folder itself. A scan stats every YAML file under the folder (hidden and git-ignored
//! ones left out, as discovery does) and every other file the catalogue is made of; what
//! was created, deleted or changed since the last scan is handed on as if a watcher had
//! said so. No file is read, only their sizes and times, so the server can afford to
//! scan on the events that follow work done outside the
//! editor (a save, a document opened or closed) and when it is used again after a pause
//! (see [`Server::rescan_if_due`]), and before the answers that lead to other files
//! (definition, references, rename, workspace symbols); never on a timer.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use lsp_server::Message;
use lsp_types::notification as notif;
use lsp_types::notification::Notification as _;
use lsp_types::request::{self as req, Request as _};

use super::Server;

/// A pause after which the next message scans first: the user may have been in a shell.
const PAUSE: Duration = Duration::from_secs(2);

/// What a file looked like on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
}

/// The files a scan saw, by absolute path.
#[derive(Debug, Default)]
pub struct Disk {
    seen: HashMap<PathBuf, Stamp>,
}

fn stamp(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    m.is_file().then(|| Stamp {
        modified: m.modified().ok(),
        len: m.len(),
    })
}

fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

impl Disk {
    /// The YAML files under `root`, and `also` (files of the catalogue outside it, its
    /// config and policy).
    pub fn scan(root: &Path, also: impl IntoIterator<Item = PathBuf>) -> Disk {
        let mut seen = HashMap::new();
        let walker = ignore::WalkBuilder::new(root)
            .hidden(true)
            .git_ignore(true)
            .git_exclude(true)
            .git_global(false)
            .require_git(false)
            .ignore(false)
            .parents(true)
            .follow_links(false)
            .build();
        for entry in walker.flatten() {
            let path = entry.path();
            if !is_yaml(path) {
                continue;
            }
            // Links are followed for their target's stamp, as discovery reads through them.
            if let Some(s) = stamp(path) {
                seen.insert(path.to_path_buf(), s);
            }
        }
        let mut disk = Disk { seen };
        disk.add(also);
        disk
    }

    /// Stamps these files too (the catalogue's files outside the folder, once known).
    pub fn add(&mut self, paths: impl IntoIterator<Item = PathBuf>) {
        for path in paths {
            if let Some(s) = stamp(&path) {
                self.seen.entry(path).or_insert(s);
            }
        }
    }

    /// The files created, deleted or changed between `self` and `now`, sorted.
    pub fn changes(&self, now: &Disk) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = now
            .seen
            .iter()
            .filter(|(p, s)| self.seen.get(*p) != Some(*s))
            .map(|(p, _)| p.clone())
            .collect();
        out.extend(
            self.seen
                .keys()
                .filter(|p| !now.seen.contains_key(*p))
                .cloned(),
        );
        out.sort();
        out
    }
}

impl Server<'_> {
    /// Scans when the client cannot watch and `message` follows work that may have
    /// changed files outside the editor: a save, a document opened or closed, or any
    /// message after a pause.
    pub(super) fn rescan_if_due(&mut self, message: &Message) {
        if self.watch_dynamically {
            return;
        }
        let event = match message {
            Message::Notification(n) => matches!(
                n.method.as_str(),
                notif::DidSaveTextDocument::METHOD
                    | notif::DidOpenTextDocument::METHOD
                    | notif::DidCloseTextDocument::METHOD
            ),
            // Answers that lead to other files: never to one deleted a moment ago.
            Message::Request(r) => matches!(
                r.method.as_str(),
                req::GotoDefinition::METHOD
                    | req::References::METHOD
                    | req::Rename::METHOD
                    | req::WorkspaceSymbolRequest::METHOD
            ),
            Message::Response(_) => false,
        };
        let paused = self.last_message.is_none_or(|t| t.elapsed() >= PAUSE);
        self.last_message = Some(Instant::now());
        if event || paused {
            self.rescan();
        }
    }

    /// Hands every folder's disk changes since its last scan to its workspace.
    pub(super) fn rescan(&mut self) {
        let mut changed = Vec::new();
        for f in &mut self.folders {
            changed.extend(f.rescan());
        }
        for path in changed {
            self.on_disk(path);
        }
    }
}
