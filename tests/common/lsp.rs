//! A small LSP client for the protocol tests: it starts the real `catalint lsp`, speaks
//! JSON-RPC with `Content-Length` framing over its stdin and stdout, answers the server's
//! own requests (capability registration) and keeps the latest diagnostics of each file.

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long a test waits for an answer before it fails.
pub const TIMEOUT: Duration = Duration::from_secs(60);

pub struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: mpsc::Receiver<Value>,
    next_id: i64,
    /// The latest `publishDiagnostics` of each URI.
    pub diagnostics: HashMap<String, Vec<Value>>,
    /// How many `publishDiagnostics` each URI got.
    pub published: HashMap<String, usize>,
    /// Requests the server sent us, in order.
    pub server_requests: Vec<Value>,
    /// Other notifications, in order.
    pub notifications: Vec<Value>,
}

/// The `file:` URI of a path (the test paths need no escapes beyond spaces).
pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display()).replace(' ', "%20")
}

impl Client {
    /// Starts `catalint lsp` in `dir`.
    pub fn start(dir: &Path) -> Client {
        Client::start_with(dir, &[])
    }

    /// Starts `catalint lsp` in `dir` with more environment variables.
    pub fn start_with(dir: &Path, env: &[(&str, &str)]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_catalint"))
            .arg("lsp")
            .current_dir(dir)
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("catalint lsp starts");
        let stdout = child.stdout.take().expect("stdout");
        let stdin = child.stdin.take();
        let (tx, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let Some(n) = length else { return };
                let mut body = vec![0; n];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let Ok(v) = serde_json::from_slice::<Value>(&body) else {
                    return;
                };
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming,
            next_id: 0,
            diagnostics: HashMap::new(),
            published: HashMap::new(),
            server_requests: Vec::new(),
            notifications: Vec::new(),
        }
    }

    /// Writes one message as the protocol frames it.
    pub fn send_raw(&mut self, body: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        stdin.flush().expect("flush");
    }

    fn send(&mut self, v: &Value) {
        self.send_raw(&v.to_string());
    }

    /// Starts `catalint lsp` in `root` and initializes it with `root` as the one workspace
    /// folder and a client that can watch files.
    pub fn initialized(root: &Path) -> Client {
        Client::initialized_with(root, true, &[])
    }

    /// [`Client::initialized`], for a client that can watch files or not, with more
    /// environment variables for the server.
    pub fn initialized_with(root: &Path, watches: bool, env: &[(&str, &str)]) -> Client {
        let mut c = Client::start_with(root, env);
        let workspace = match watches {
            true => json!({"didChangeWatchedFiles": {"dynamicRegistration": true}}),
            false => json!({"workspaceFolders": true}),
        };
        let r = c.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root),
                "workspaceFolders": [{"uri": uri(root), "name": "catalogue"}],
                "capabilities": {
                    "workspace": workspace,
                    "textDocument": {"publishDiagnostics": {"relatedInformation": true}},
                },
            }),
        );
        assert!(r.get("result").is_some(), "{r}");
        c.notify("initialized", json!({}));
        c
    }

    /// The `window/logMessage` lines received so far.
    pub fn logs(&self) -> Vec<String> {
        self.notifications
            .iter()
            .filter(|n| n["method"] == "window/logMessage")
            .map(|n| {
                n["params"]["message"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect()
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response (the whole response object).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(|_, m| m.get("id") == Some(&json!(id)) && m.get("method").is_none())
    }

    /// A request's `result`, failing the test on an error response.
    pub fn result(&mut self, method: &str, params: Value) -> Value {
        let r = self.request(method, params);
        assert!(r.get("error").is_none(), "{method}: {r}");
        r["result"].clone()
    }

    fn take(&mut self, m: &Value) {
        match (m.get("method").and_then(Value::as_str), m.get("id")) {
            (Some("textDocument/publishDiagnostics"), None) => {
                let uri = m["params"]["uri"].as_str().unwrap_or_default().to_owned();
                let list = m["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                *self.published.entry(uri.clone()).or_default() += 1;
                self.diagnostics.insert(uri, list);
            }
            (Some(_), Some(id)) => {
                self.server_requests.push(m.clone());
                let answer = json!({"jsonrpc": "2.0", "id": id, "result": null});
                self.send(&answer);
            }
            (Some(_), None) => self.notifications.push(m.clone()),
            _ => {}
        }
    }

    /// Reads messages until `done` holds for one (given the state after it), or fails.
    pub fn wait_for(&mut self, mut done: impl FnMut(&Client, &Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let m = match self.incoming.recv_timeout(left) {
                Ok(m) => m,
                Err(_) => panic!(
                    "no such message within {TIMEOUT:?}; diagnostics: {:?}",
                    self.diagnostics
                ),
            };
            self.take(&m);
            if done(self, &m) {
                return m;
            }
        }
    }

    /// Waits until the diagnostics of `uri` satisfy `ok`.
    pub fn wait_diagnostics(&mut self, uri: &str, ok: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        if self.diagnostics.get(uri).is_some_and(|d| ok(d)) {
            return self.diagnostics[uri].clone();
        }
        self.wait_for(|c, m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && c.diagnostics.get(uri).is_some_and(|d| ok(d))
        });
        self.diagnostics[uri].clone()
    }

    /// Round-trips a request, so that every notification sent before it was handled.
    pub fn sync(&mut self) {
        self.request("workspace/symbol", json!({"query": "\u{0}none"}));
    }

    pub fn open(&mut self, path: &Path, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": "yaml", "version": 1, "text": text}}),
        );
    }

    /// Replaces `old` (which must occur once in `text`) with `new` by an incremental change,
    /// and returns the new text. Positions count UTF-16 code units.
    pub fn edit(&mut self, path: &Path, text: &str, version: i32, old: &str, new: &str) -> String {
        let at = text
            .find(old)
            .unwrap_or_else(|| panic!("`{old}` not in the text"));
        let start = position(text, at);
        let end = position(text, at + old.len());
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri(path), "version": version},
                "contentChanges": [{"range": {"start": start, "end": end}, "text": new}],
            }),
        );
        format!("{}{new}{}", &text[..at], &text[at + old.len()..])
    }

    /// `shutdown` then `exit`; the server's exit status.
    pub fn shutdown(mut self) -> ExitStatus {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null, "{r}");
        self.notify("exit", Value::Null);
        self.wait_exit()
    }

    pub fn wait_exit(mut self) -> ExitStatus {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The LSP position (UTF-16 columns) of byte `offset` of `text`.
pub fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let character: usize = before[start..].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": character})
}

/// The position of the first occurrence of `needle` in `text`, plus `plus` bytes.
pub fn position_of(text: &str, needle: &str, plus: usize) -> Value {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in the text"));
    position(text, at + plus)
}

/// A copy of the example catalogue (`fixtures/catalogue`) in a temporary folder.
pub fn catalogue() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("catalogue");
    super::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/catalogue"),
        &root,
    );
    (tmp, root)
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// The rule ids of a file's diagnostics, in order.
pub fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// A wait condition: the diagnostics hold a finding of rule `code`.
pub fn has(code: &'static str) -> impl Fn(&[Value]) -> bool {
    move |d| codes(d).iter().any(|c| c == code)
}
