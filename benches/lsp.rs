//! Language server benchmark: `catalint lsp` driven over stdio on the generated catalogue of the
//! issue's shape (20,000 services, 840 products, 10 teams: 20,850 files), as an editor drives it. Measures, per keystroke, the time from sending the
//! `didChange` to receiving the updated diagnostics (the whole catalogue re-checked), in
//! two cases: a keystroke that breaks or mends a reference (its file's diagnostics change:
//! timed to the `publishDiagnostics`), and a keystroke in a description (nothing changes:
//! timed to the answer of a request sent right after it, which the server answers only once
//! the edit is checked). `cargo bench --bench lsp` (`CATALOGUE=DIR` to use a catalogue
//! already generated, `KEYS=N` keystrokes per case). Never part of `cargo test`.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

struct Server {
    child: Child,
    stdin: ChildStdin,
    incoming: mpsc::Receiver<Value>,
    next_id: i64,
}

impl Server {
    fn start(root: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_catalint"))
            .arg("lsp")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("catalint lsp starts");
        let stdout = child.stdout.take().expect("stdout");
        let stdin = child.stdin.take().expect("stdin");
        let (tx, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = 0;
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
                        length = n.parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; length];
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
        Server {
            child,
            stdin,
            incoming,
            next_id: 0,
        }
    }

    fn send(&mut self, v: Value) {
        let body = v.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Reads until a message satisfies `done`.
    fn until(&mut self, done: impl Fn(&Value) -> bool) {
        loop {
            let m = self
                .incoming
                .recv_timeout(Duration::from_secs(120))
                .expect("the server answers");
            if done(&m) {
                return;
            }
        }
    }

    fn answered(&mut self, id: i64) {
        self.until(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none());
    }
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn catalogue() -> PathBuf {
    if let Ok(dir) = std::env::var("CATALOGUE") {
        return PathBuf::from(dir);
    }
    let dir = std::env::temp_dir().join("catalint-bench-20850");
    if !dir.join("teams").is_dir() {
        let status = Command::new(env!("CARGO"))
            .args(["run", "--release", "--example", "gen-catalogue", "--"])
            .args([
                "--services",
                "20000",
                "--products",
                "840",
                "--teams",
                "10",
                "--seed",
                "1",
            ])
            .arg("--out")
            .arg(&dir)
            .status()
            .expect("cargo runs the generator");
        assert!(status.success(), "the generator failed");
    }
    dir
}

fn summary(name: &str, mut times: Vec<Duration>) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!(
        "{name}: {} keystrokes, median {:.1} ms, p90 {:.1} ms, max {:.1} ms",
        times.len(),
        ms(at(0.5)),
        ms(at(0.9)),
        ms(times[times.len() - 1])
    );
}

fn main() {
    let root = catalogue();
    let keys: usize = std::env::var("KEYS")
        .ok()
        .and_then(|k| k.parse().ok())
        .unwrap_or(40);
    let started = Instant::now();
    let mut s = Server::start(&root);
    let id = s.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(&root), "capabilities": {}}),
    );
    s.answered(id);
    s.notify("initialized", json!({}));
    // The catalogue is opened after `initialize` is answered: the first request waits for it.
    let id = s.request("workspace/symbol", json!({"query": "svc-0"}));
    s.answered(id);
    println!(
        "opened {} in {:.2} s",
        root.display(),
        started.elapsed().as_secs_f64()
    );

    let file = root.join("services/svc-0.yaml");
    let text = std::fs::read_to_string(&file).expect("svc-0.yaml");
    let file_uri = uri(&file);
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": file_uri, "languageId": "yaml", "version": 1, "text": text}}),
    );
    let id = s.request("workspace/symbol", json!({"query": "svc-0"}));
    s.answered(id);

    // `  supportGroup: team-0` on line 17 (0-based 16): typing an `x` after the id breaks the
    // reference, deleting it mends it; each keystroke changes the file's diagnostics.
    let line = text
        .lines()
        .position(|l| l.starts_with("  supportGroup: "))
        .expect("a support group");
    let end = text.lines().nth(line).map_or(0, str::len);
    let mut version = 1;
    let mut times = Vec::new();
    for k in 0..keys {
        version += 1;
        let (range, new) = if k % 2 == 0 {
            (
                json!({"start": {"line": line, "character": end}, "end": {"line": line, "character": end}}),
                "x",
            )
        } else {
            (
                json!({"start": {"line": line, "character": end}, "end": {"line": line, "character": end + 1}}),
                "",
            )
        };
        let t = Instant::now();
        s.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": file_uri, "version": version},
                   "contentChanges": [{"range": range, "text": new}]}),
        );
        let broken = k % 2 == 0;
        let want = file_uri.clone();
        s.until(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == want
                && m["params"]["diagnostics"]
                    .as_array()
                    .is_some_and(|d| d.is_empty() != broken)
        });
        times.push(t.elapsed());
    }
    summary(
        "keystroke that changes its file's diagnostics (to publishDiagnostics)",
        times,
    );

    // Typing in the description: the check finds nothing new.
    let line = text
        .lines()
        .position(|l| l.starts_with("  description: "))
        .expect("a description");
    let mut times = Vec::new();
    for k in 0..keys {
        version += 1;
        let at = 16 + k;
        let t = Instant::now();
        s.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": file_uri, "version": version},
                   "contentChanges": [{"range": {"start": {"line": line, "character": at}, "end": {"line": line, "character": at}}, "text": "a"}]}),
        );
        let id = s.request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": file_uri}}),
        );
        s.answered(id);
        times.push(t.elapsed());
    }
    summary(
        "keystroke that changes no finding (to the next answer)",
        times,
    );

    let id = s.request("shutdown", Value::Null);
    s.answered(id);
    s.notify("exit", Value::Null);
    let _ = s.child.wait();
}
