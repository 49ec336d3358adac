//! A file of many documents typed in through `catalint lsp`: each keystroke inside one
//! document is checked as a splice of that document, and the findings kept for the others
//! move with the text (their ranges follow the lines typed above them).

mod common;

use std::path::Path;

use common::lsp::{Client, catalogue, position, uri};
use serde_json::{Value, json};

/// Replaces `text[at..at + len]` with `new` by an incremental change; the new text.
fn change(
    c: &mut Client,
    path: &Path,
    text: &str,
    version: i32,
    at: usize,
    len: usize,
    new: &str,
) -> String {
    let (start, end) = (position(text, at), position(text, at + len));
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri(path), "version": version},
            "contentChanges": [{"range": {"start": start, "end": end}, "text": new}],
        }),
    );
    format!("{}{new}{}", &text[..at], &text[at + len..])
}

fn lines_of(diagnostics: &[Value], code: &str) -> Vec<u64> {
    diagnostics
        .iter()
        .filter(|d| d["code"] == code)
        .map(|d| d["range"]["start"]["line"].as_u64().unwrap())
        .collect()
}

#[test]
fn findings_of_untouched_documents_move_with_the_lines_typed_above_them() {
    let (_tmp, root) = catalogue();
    let services = root.join("services");
    let mut names: Vec<_> = std::fs::read_dir(&services)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    let parts: Vec<String> = names
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    for p in &names {
        std::fs::remove_file(p).unwrap();
    }
    let path = services.join("all.yaml");
    let mut text = parts.join("---\n");
    std::fs::write(&path, &text).unwrap();
    let file = uri(&path);

    let mut c = Client::initialized(&root);
    c.open(&path, &text);
    c.sync();

    // The last document's team misspelt: found on its line.
    let team = "team: hr-systems";
    let at = text.rfind(team).unwrap() + "team: hr-sy".len();
    text = change(&mut c, &path, &text, 2, at, 1, "");
    let line = text[..at].matches('\n').count() as u64;
    let d = c.wait_diagnostics(&file, |d| lines_of(d, "unresolved-reference") == [line]);
    assert_eq!(lines_of(&d, "unresolved-reference"), [line]);

    // Two lines typed in the first document: the finding, kept, moves two lines down.
    let first = text.find("  name: ").unwrap();
    text = change(&mut c, &path, &text, 3, first, 0, "  # one\n  # two\n");
    c.wait_diagnostics(&file, |d| lines_of(d, "unresolved-reference") == [line + 2]);

    // A line deleted in a middle document: back up one.
    let middle = text.find("---\n").unwrap() + 4;
    let middle = middle + text[middle..].find("  description: ").unwrap();
    let end = middle + text[middle..].find('\n').unwrap() + 1;
    text = change(&mut c, &path, &text, 4, middle, end - middle, "");
    c.wait_diagnostics(&file, |d| lines_of(d, "unresolved-reference") == [line + 1]);

    // Mended: the file is clean again, as a fresh check of the text says.
    let at = text.rfind("team: hr-sytems").unwrap() + "team: hr-sy".len();
    text = change(&mut c, &path, &text, 5, at, 0, "s");
    c.wait_diagnostics(&file, |d| d.is_empty());
    std::fs::write(&path, &text).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_catalint"))
        .args(["check", "--no-cache", "--format", "json"])
        .arg(&root)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["diagnostics"], json!([]), "{report}");
    assert!(c.shutdown().success());
}
