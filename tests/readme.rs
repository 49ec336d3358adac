//! The README stays true: its two quick-start commands are there, and it stays a first page
//! (the rest is the book, `docs/`, checked by `tests/book.rs`).

use std::path::Path;

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

#[test]
fn the_two_commands_are_documented() {
    let text = readme();
    assert!(text.contains("cargo run --release -- check fixtures/catalogue"));
    assert!(text.contains("cargo test"));
}

#[test]
fn the_readme_stays_short() {
    let lines = readme().lines().count();
    assert!(
        lines < 250,
        "README.md has {lines} lines; it keeps what a newcomer needs first (under 250), \
         everything else goes into the book (docs/src/)"
    );
}

/// GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces to `-`.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The README is read on GitHub, crates.io and PyPI, so it links the repository's files by URL;
/// each must name a file of this checkout, and an anchor a heading of that file.
#[test]
fn links_into_the_repository_resolve() {
    const REPO: &str = "https://github.com/catalint/catalint/blob/main/";
    const RAW: &str = "https://raw.githubusercontent.com/catalint/catalint/main/";
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = readme();
    let mut bad = Vec::new();
    let mut count = 0;
    for (n, line) in text.lines().enumerate() {
        for part in line.split("](").skip(1) {
            let Some(target) = part.split(')').next() else {
                continue;
            };
            if !target.starts_with("http") && !target.starts_with('#') {
                bad.push(format!(
                    "line {}: `{target}` is relative (PyPI cannot follow it)",
                    n + 1
                ));
                continue;
            }
            // Images: GitHub shows a blob URL as a page, so they are linked raw.
            if let Some(path) = target.strip_prefix(RAW) {
                count += 1;
                if !root.join(path).is_file() {
                    bad.push(format!("line {}: no file {path}", n + 1));
                }
                continue;
            }
            let Some(rest) = target.strip_prefix(REPO) else {
                continue;
            };
            count += 1;
            let (path, anchor) = rest.split_once('#').unwrap_or((rest, ""));
            let Ok(file) = std::fs::read_to_string(root.join(path)) else {
                bad.push(format!("line {}: no file {path}", n + 1));
                continue;
            };
            if !anchor.is_empty()
                && !file
                    .lines()
                    .filter(|l| l.starts_with('#'))
                    .any(|l| slug(l.trim_start_matches('#')) == anchor)
            {
                bad.push(format!("line {}: no heading #{anchor} in {path}", n + 1));
            }
        }
    }
    assert!(count >= 20, "only {count} links into the repository");
    assert!(bad.is_empty(), "README.md links:\n{}", bad.join("\n"));
}
