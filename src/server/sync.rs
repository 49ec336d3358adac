//! Text synchronisation and file events: the editor's open documents handed to the
//! workspaces (incremental edits, queued until the next check), files written or deleted on
//! disk, settings files, and workspace folders that come and go.

use std::path::{Path, PathBuf};

use lsp_server::{Request, RequestId};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{Uri, notification as notif, request as req};
use serde_json::Value;

use super::documents::Document;
use super::{Server, convert, folders};
use crate::workspace::Change;

impl Server<'_> {
    pub(super) fn register_watchers(&mut self) {
        if !self.watch_dynamically {
            return;
        }
        let watchers: Vec<Value> = ["**/*.yaml", "**/*.yml"]
            .iter()
            .map(|g| serde_json::json!({"globPattern": g}))
            .collect();
        let params = serde_json::json!({"registrations": [{
            "id": "catalint-watched-files",
            "method": notif::DidChangeWatchedFiles::METHOD,
            "registerOptions": {"watchers": watchers},
        }]});
        self.next_id += 1;
        let id = RequestId::from(format!("catalint-{}", self.next_id));
        let r = Request::new(id, req::RegisterCapability::METHOD.into(), params);
        self.send(r.into());
    }

    pub(super) fn did_open(&mut self, item: lsp_types::TextDocumentItem) {
        let Some(path) = convert::path_of(&item.uri) else {
            return;
        };
        let path = std::path::absolute(&path).unwrap_or(path);
        let text = item.text.clone();
        self.documents
            .open(path.clone(), Document::new(item.text, item.version));
        if self.folder_of(&path).is_none() && !self.named_folders {
            self.add_folder(folders::root_for_file(&path));
        }
        match self.folder_of(&path) {
            Some(i) => self.folders[i].queue(Change::Text { path, text }),
            None => {
                self.outside.insert(path.clone(), item.uri.clone());
                self.tell_outside(item.uri, &path);
            }
        }
    }

    pub(super) fn did_change(&mut self, p: lsp_types::DidChangeTextDocumentParams) {
        let Some(path) = convert::path_of(&p.text_document.uri) else {
            return;
        };
        let path = std::path::absolute(&path).unwrap_or(path);
        let encoding = self.encoding;
        if !self
            .documents
            .change(&path, p.text_document.version, p.content_changes, encoding)
        {
            return;
        }
        let Some(text) = self.documents.get(&path).map(|d| d.text.clone()) else {
            return;
        };
        if text.len() >= super::LARGE_DOCUMENT {
            self.quiet_until = Some(std::time::Instant::now() + super::TYPING_PAUSE);
        }
        if let Some(i) = self.folder_of(&path) {
            self.folders[i].queue(Change::Text { path, text });
        }
    }

    pub(super) fn did_close(&mut self, uri: &Uri) {
        let Some(path) = convert::path_of(uri) else {
            return;
        };
        let path = std::path::absolute(&path).unwrap_or(path);
        self.documents.close(&path);
        if let Some(uri) = self.outside.remove(&path) {
            self.publish_to(uri, Vec::new(), None);
        }
        if let Some(i) = self.folder_of(&path) {
            self.folders[i].queue(Change::Closed(path));
        }
    }

    /// A file was written, created or deleted: the catalogue's file, or its settings.
    pub(super) fn on_disk(&mut self, path: PathBuf) {
        let path = std::path::absolute(&path).unwrap_or(path);
        for folder in &mut self.folders {
            if folder.is_settings_file(&path) {
                folder.queue(Change::Settings);
            } else if path.starts_with(&folder.root) {
                folder.queue(Change::OnDisk(path.clone()));
            }
        }
    }

    pub(super) fn folders_changed(&mut self, event: lsp_types::WorkspaceFoldersChangeEvent) {
        for gone in event.removed {
            let Some(root) = convert::path_of(&gone.uri) else {
                continue;
            };
            let root = std::path::absolute(&root).unwrap_or(root);
            if let Some(i) = self.folders.iter().position(|f| f.root == root) {
                let folder = self.folders.remove(i);
                for uri in folder.published.into_keys() {
                    self.publish_to(uri, Vec::new(), None);
                }
            }
        }
        for added in event.added {
            if let Some(root) = convert::path_of(&added.uri) {
                self.named_folders = true;
                self.add_folder(root);
            }
        }
    }

    /// A document outside every workspace folder: one note on its first line.
    pub(super) fn tell_outside(&self, uri: Uri, path: &Path) {
        let roots: Vec<String> = self
            .folders
            .iter()
            .map(|f| f.root.display().to_string())
            .collect();
        let d = lsp_types::Diagnostic {
            range: lsp_types::Range::default(),
            severity: Some(lsp_types::DiagnosticSeverity::INFORMATION),
            source: Some("catalint".into()),
            message: format!(
                "not checked: {} is outside the workspace folders ({})",
                path.display(),
                roots.join(", ")
            ),
            ..lsp_types::Diagnostic::default()
        };
        self.publish_to(uri, vec![d], None);
    }
}
