//! `catalint lsp`: a language server over stdio. One [`Workspace`] per workspace folder
//! holds the catalogue; open documents are checked from the editor's text, other files from
//! disk, and every change is checked against the whole catalogue.
//!
//! The loop is synchronous (`lsp-server`): messages are handled in order, and a check runs
//! only when no message is waiting, so edits that arrive while a check runs are taken
//! together by the next one: a newer edit supersedes every pending one, and a burst of
//! keystrokes costs one check. Requests are answered against the latest text (pending
//! edits are checked first). No input from the editor can panic the server: parameters
//! that do not parse are `InvalidParams`, unknown requests `MethodNotFound`, and a handler
//! that fails anyway answers `InternalError` and the server goes on.

// `lsp_types::Uri` caches parsed parts in cells, but hashes and compares by its text alone:
// as a map key it is as stable as a string (rust-analyzer allows this lint too).
#![allow(clippy::mutable_key_type)]

mod code_actions;
mod completion;
mod convert;
mod cursor;
mod diagnostics;
mod documents;
mod fields;
mod folders;
mod hover;
mod navigation;
mod recover;
mod rename;
mod rescan;
mod root;
mod sync;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{Uri, notification as notif, request as req};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::source::FileId;
use crate::workspace::Workspace;
use convert::{Encoding, Positions};
use documents::Documents;
use folders::Folder;

/// Runs the server on stdin and stdout until `exit`; the process's exit code, as the
/// protocol says: 0 after `shutdown`, 1 otherwise.
pub fn run() -> std::io::Result<u8> {
    recover::install_hook();
    let (connection, io_threads) = Connection::stdio();
    let (code, exited) = serve(&connection);
    drop(connection);
    // The reader thread stops after `exit`; otherwise it may wait on stdin for ever.
    if exited {
        io_threads.join()?;
    }
    Ok(code)
}

/// Bytes from which a document is large: each check of it costs far more than a keystroke
/// (a 20 MB file: ~2 s), so while it is typed in, its check waits for [`TYPING_PAUSE`]
/// without an edit (a request is still answered about the latest text at once).
pub(crate) const LARGE_DOCUMENT: usize = 1 << 20;
pub(crate) const TYPING_PAUSE: std::time::Duration = std::time::Duration::from_millis(300);

/// An answer to a request, or why there is none.
type Answer = Result<Value, (ErrorCode, String)>;

fn serve(connection: &Connection) -> (u8, bool) {
    let (id, params) = loop {
        let Ok((id, params)) = connection.initialize_start() else {
            return (1, false);
        };
        match serde_json::from_value::<lsp_types::InitializeParams>(params) {
            Ok(p) => break (id, p),
            Err(e) => {
                let r = Response::new_err(
                    id,
                    ErrorCode::InvalidParams as i32,
                    format!("initialize: {e}"),
                );
                if connection.sender.send(r.into()).is_err() {
                    return (1, false);
                }
            }
        }
    };
    let mut server = Server::new(connection, &params);
    let result = serde_json::json!({
        "capabilities": server.capabilities(),
        "serverInfo": {"name": "catalint", "version": env!("CARGO_PKG_VERSION")},
    });
    server.send(Response::new_ok(id, result).into());
    if let Err(panic) = recover::catch(|| server.open_folders(&params)) {
        server.failed("opening the workspace folders", &panic);
    }
    server.main_loop()
}

/// The server's state between messages.
pub struct Server<'c> {
    connection: &'c Connection,
    encoding: Encoding,
    folders: Vec<Folder>,
    /// Folders were named at `initialize`; without any, a folder is opened per file.
    named_folders: bool,
    documents: Documents,
    /// Documents outside every folder that were told so, by path.
    outside: HashMap<PathBuf, Uri>,
    watch_dynamically: bool,
    /// When the last message came (the server scans the disk after a pause).
    last_message: Option<std::time::Instant>,
    /// A large document was edited: its check waits for a pause in typing, until then.
    quiet_until: Option<std::time::Instant>,
    next_id: i32,
    shut_down: bool,
}

impl<'c> Server<'c> {
    fn new(connection: &'c Connection, params: &lsp_types::InitializeParams) -> Self {
        let caps = &params.capabilities;
        let utf8 = caps
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|e| e.contains(&lsp_types::PositionEncodingKind::UTF8));
        let watch_dynamically = caps
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        Server {
            connection,
            encoding: if utf8 {
                Encoding::Utf8
            } else {
                Encoding::Utf16
            },
            folders: Vec::new(),
            named_folders: false,
            documents: Documents::default(),
            outside: HashMap::new(),
            watch_dynamically,
            last_message: None,
            quiet_until: None,
            next_id: 0,
            shut_down: false,
        }
    }

    fn capabilities(&self) -> lsp_types::ServerCapabilities {
        use lsp_types::*;
        ServerCapabilities {
            position_encoding: Some(match self.encoding {
                Encoding::Utf8 => PositionEncodingKind::UTF8,
                Encoding::Utf16 => PositionEncodingKind::UTF16,
            }),
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                    ..TextDocumentSyncOptions::default()
                },
            )),
            definition_provider: Some(OneOf::Left(true)),
            references_provider: Some(OneOf::Left(true)),
            document_symbol_provider: Some(OneOf::Left(true)),
            workspace_symbol_provider: Some(OneOf::Left(true)),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            rename_provider: Some(OneOf::Right(RenameOptions {
                prepare_provider: Some(true),
                work_done_progress_options: WorkDoneProgressOptions::default(),
            })),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![
                    CodeActionKind::QUICKFIX,
                    CodeActionKind::new(code_actions::FIX_ALL),
                ]),
                ..CodeActionOptions::default()
            })),
            completion_provider: Some(CompletionOptions {
                trigger_characters: Some(vec![":".into(), " ".into(), "-".into()]),
                ..CompletionOptions::default()
            }),
            workspace: Some(WorkspaceServerCapabilities {
                workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                    supported: Some(true),
                    change_notifications: Some(OneOf::Left(true)),
                }),
                file_operations: None,
            }),
            ..ServerCapabilities::default()
        }
    }

    /// Opens a workspace for each folder the client named (the root, for old clients).
    #[allow(deprecated)]
    fn open_folders(&mut self, params: &lsp_types::InitializeParams) {
        let mut roots: Vec<PathBuf> = match &params.workspace_folders {
            Some(f) => f.iter().filter_map(|f| convert::path_of(&f.uri)).collect(),
            None => Vec::new(),
        };
        if roots.is_empty() {
            let root = params.root_uri.as_ref().and_then(convert::path_of);
            let root = root.or_else(|| params.root_path.as_ref().map(PathBuf::from));
            roots.extend(root);
        }
        self.named_folders = !roots.is_empty();
        for root in roots {
            self.add_folder(root);
        }
    }

    fn add_folder(&mut self, named: PathBuf) {
        let named = std::path::absolute(&named).unwrap_or(named);
        let root = root::catalogue_root(&named);
        if self.folders.iter().any(|f| f.root == root) {
            return;
        }
        if root != named {
            self.log(&format!(
                "catalint: no catalint.yaml at or above {}; checking the catalogue at {} \
                 (catalogue files lie beside it). `catalint init` there writes a config that \
                 names the catalogue's files.",
                named.display(),
                root.display()
            ));
        }
        let mut folder = Folder::new(root, !self.watch_dynamically);
        folder.open(&self.documents);
        self.folders.push(folder);
        let last = self.folders.len() - 1;
        self.publish(last);
    }

    fn main_loop(&mut self) -> (u8, bool) {
        loop {
            let message = if self.folders.iter().any(Folder::dirty) {
                // Zero unless a large document is being typed in (see `LARGE_DOCUMENT`).
                let wait = self
                    .quiet_until
                    .map(|t| t.saturating_duration_since(std::time::Instant::now()))
                    .unwrap_or_default();
                match self.connection.receiver.recv_timeout(wait) {
                    Ok(m) => m,
                    Err(e) if e.is_timeout() => {
                        self.quiet_until = None;
                        if let Err(panic) = recover::catch(|| self.flush()) {
                            self.failed("checking", &panic);
                        }
                        continue;
                    }
                    Err(_) => return (1, false),
                }
            } else {
                match self.connection.receiver.recv() {
                    Ok(m) => m,
                    Err(_) => return (1, false),
                }
            };
            if let Err(panic) = recover::catch(|| self.rescan_if_due(&message)) {
                self.failed("scanning the disk", &panic);
            }
            match message {
                Message::Request(r) => self.request(r),
                Message::Notification(n) if n.method == notif::Exit::METHOD => {
                    return (if self.shut_down { 0 } else { 1 }, true);
                }
                Message::Notification(n) => {
                    let method = n.method.clone();
                    let outcome = recover::catch(|| {
                        recover::fault(&method);
                        self.notification(n)
                    });
                    if let Err(panic) = outcome {
                        self.failed(&format!("handling `{method}`"), &panic);
                    }
                }
                // Answers to our own requests (registration): nothing waits for them.
                Message::Response(_) => {}
            }
        }
    }

    fn request(&mut self, r: Request) {
        if self.shut_down {
            let e = Response::new_err(
                r.id,
                ErrorCode::InvalidRequest as i32,
                "the server is shut down; only `exit` is handled".into(),
            );
            return self.send(e.into());
        }
        if r.method == req::Shutdown::METHOD {
            self.shut_down = true;
            return self.send(Response::new_ok(r.id, Value::Null).into());
        }
        // Answers are about the latest text: pending edits are checked first.
        if let Err(panic) = recover::catch(|| self.flush()) {
            self.failed("checking", &panic);
        }
        let id = r.id.clone();
        let method = r.method.clone();
        let answer = recover::catch(|| {
            recover::fault(&method);
            self.answer(r)
        })
        .unwrap_or_else(|panic| {
            self.log_error(&format!("catalint: answering `{method}` failed: {panic}"));
            Err((
                ErrorCode::InternalError,
                format!("catalint failed on this request: {panic}"),
            ))
        });
        let response = match answer {
            Ok(v) => Response::new_ok(id, v),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        };
        self.send(response.into());
    }

    fn answer(&mut self, r: Request) -> Answer {
        let Request { method, params, .. } = r;
        match method.as_str() {
            req::GotoDefinition::METHOD => navigation::definition(self, parse(params)?),
            req::References::METHOD => navigation::references(self, parse(params)?),
            req::DocumentSymbolRequest::METHOD => {
                navigation::document_symbols(self, parse(params)?)
            }
            req::WorkspaceSymbolRequest::METHOD => {
                navigation::workspace_symbols(self, parse(params)?)
            }
            req::HoverRequest::METHOD => hover::hover(self, parse(params)?),
            req::PrepareRenameRequest::METHOD => rename::prepare(self, parse(params)?),
            req::Rename::METHOD => rename::rename(self, parse(params)?),
            req::CodeActionRequest::METHOD => code_actions::code_actions(self, parse(params)?),
            req::Completion::METHOD => completion::completion(self, parse(params)?),
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("catalint does not handle `{method}`"),
            )),
        }
    }

    fn notification(&mut self, n: Notification) {
        let Notification { method, params } = n;
        match method.as_str() {
            notif::Initialized::METHOD => self.register_watchers(),
            notif::DidOpenTextDocument::METHOD => {
                if let Ok(p) = parse::<lsp_types::DidOpenTextDocumentParams>(params) {
                    self.did_open(p.text_document);
                }
            }
            notif::DidChangeTextDocument::METHOD => {
                if let Ok(p) = parse::<lsp_types::DidChangeTextDocumentParams>(params) {
                    self.did_change(p);
                }
            }
            notif::DidCloseTextDocument::METHOD => {
                if let Ok(p) = parse::<lsp_types::DidCloseTextDocumentParams>(params) {
                    self.did_close(&p.text_document.uri);
                }
            }
            notif::DidSaveTextDocument::METHOD => {
                // Clients that cannot watch files still say when a file is written.
                if let Ok(p) = parse::<lsp_types::DidSaveTextDocumentParams>(params)
                    && let Some(path) = convert::path_of(&p.text_document.uri)
                {
                    self.on_disk(path);
                }
            }
            notif::DidChangeWatchedFiles::METHOD => {
                if let Ok(p) = parse::<lsp_types::DidChangeWatchedFilesParams>(params) {
                    for change in p.changes {
                        if let Some(path) = convert::path_of(&change.uri) {
                            self.on_disk(path);
                        }
                    }
                }
            }
            notif::DidChangeWorkspaceFolders::METHOD => {
                if let Ok(p) = parse::<lsp_types::DidChangeWorkspaceFoldersParams>(params) {
                    self.folders_changed(p.event);
                }
            }
            _ => {}
        }
    }

    /// The folder a path belongs to: the innermost that holds it.
    fn folder_of(&self, path: &Path) -> Option<usize> {
        self.folders
            .iter()
            .enumerate()
            .filter(|(_, f)| path.starts_with(&f.root))
            .max_by_key(|(_, f)| f.root.components().count())
            .map(|(i, _)| i)
    }

    /// Checks what changed in every folder and publishes what that changed.
    fn flush(&mut self) {
        for i in 0..self.folders.len() {
            if !self.folders[i].dirty() {
                continue;
            }
            let documents = &self.documents;
            let folder = &mut self.folders[i];
            folder.check(documents);
            self.publish(i);
        }
    }

    fn publish(&mut self, i: usize) {
        let now = self.folders[i].diagnostics(self.encoding);
        let changes = diagnostics::changes(&self.folders[i].published, &now);
        self.folders[i].published = now;
        for line in self.folders[i].take_logs() {
            self.log_error(&line);
        }
        if let Some(message) = self.folders[i].take_message() {
            self.show(&message);
        }
        for (uri, list) in changes {
            let version = convert::path_of(&uri)
                .and_then(|p| self.documents.get(&p))
                .map(|d| d.version);
            self.publish_to(uri, list, version);
        }
    }

    fn publish_to(&self, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        let params = lsp_types::PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.notify(notif::PublishDiagnostics::METHOD, params);
    }

    fn notify(&self, method: &str, params: impl serde::Serialize) {
        let params = serde_json::to_value(params).unwrap_or(Value::Null);
        self.send(Notification::new(method.into(), params).into());
    }

    fn log(&self, message: &str) {
        let params = lsp_types::LogMessageParams {
            typ: lsp_types::MessageType::WARNING,
            message: message.into(),
        };
        self.notify(notif::LogMessage::METHOD, params);
    }

    fn log_error(&self, message: &str) {
        let params = lsp_types::LogMessageParams {
            typ: lsp_types::MessageType::ERROR,
            message: message.into(),
        };
        self.notify(notif::LogMessage::METHOD, params);
    }

    /// Something panicked outside a workspace change (those recover by themselves): logged,
    /// and every folder's workspace is opened again before the next check, since the
    /// failure may have left the documents and the workspaces out of step.
    fn failed(&mut self, what: &str, panic: &str) {
        self.log_error(&format!(
            "catalint: {what} failed: {panic}; the catalogue is opened again"
        ));
        for f in &mut self.folders {
            f.mark_for_reopen();
        }
    }

    fn show(&self, message: &str) {
        let params = lsp_types::ShowMessageParams {
            typ: lsp_types::MessageType::WARNING,
            message: message.into(),
        };
        self.notify(notif::ShowMessage::METHOD, params);
    }

    fn send(&self, message: Message) {
        // The client went away: the reader sees the end of stdin and the loop stops.
        let _ = self.connection.sender.send(message);
    }

    /// The workspace and file of a document, when it is part of a catalogue. A `file:` URI
    /// that does not parse is an error; another scheme, or a file outside every catalogue,
    /// has no answer (`None`).
    pub(crate) fn locate(
        &self,
        uri: &Uri,
    ) -> Result<Option<(&Workspace, FileId)>, (ErrorCode, String)> {
        let Some(path) = convert::path_of(uri) else {
            // A buffer that is no file (`untitled:`, a diff view, a remote file) is simply
            // no catalogue file: editors ask about it as they would about any YAML buffer.
            if !uri.as_str().starts_with("file:") {
                return Ok(None);
            }
            return Err((
                ErrorCode::InvalidParams,
                format!(
                    "catalint reads only local file: documents, not `{}`",
                    uri.as_str()
                ),
            ));
        };
        let path = std::path::absolute(&path).unwrap_or(path);
        let Some(i) = self.folder_of(&path) else {
            return Ok(None);
        };
        let Some(ws) = self.folders[i].workspace() else {
            return Ok(None);
        };
        Ok(ws.file_id(&path).map(|id| (ws, id)))
    }

    /// Byte offset of a position in a file of a workspace.
    pub(crate) fn offset(&self, ws: &Workspace, file: FileId, p: lsp_types::Position) -> usize {
        Positions::new(ws.files().get(file), self.encoding).offset(p)
    }

    pub(crate) fn range(
        &self,
        ws: &Workspace,
        file: FileId,
        span: &std::ops::Range<usize>,
    ) -> lsp_types::Range {
        Positions::new(ws.files().get(file), self.encoding).range(span)
    }

    /// A file's path as the user reads it: relative to its workspace folder.
    pub(crate) fn show_path(&self, path: &str) -> String {
        let p = Path::new(path);
        self.folders
            .iter()
            .filter_map(|f| p.strip_prefix(&f.root).ok())
            .min_by_key(|rest| rest.components().count())
            .map_or_else(|| path.to_owned(), |rest| rest.display().to_string())
    }

    pub(crate) fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Every workspace that opened.
    pub(crate) fn workspaces(&self) -> impl Iterator<Item = &Workspace> {
        self.folders.iter().filter_map(Folder::workspace)
    }
}

fn parse<P: DeserializeOwned>(params: Value) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(params).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

/// `null`, or the value as JSON.
fn json(v: impl serde::Serialize) -> Answer {
    serde_json::to_value(v).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}
