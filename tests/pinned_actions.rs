//! The release pipeline stays as zizmor (run by `.ci/run`) left it, checked here without the
//! tool: the workflows and action.yml are YAML (an action.yml that is not does not load on
//! GitHub, and zizmor skips it with a warning), every `uses:` is pinned to a full commit with
//! its tag in a comment (what Dependabot, `.github/dependabot.yml`, updates), every checkout
//! leaves no credentials behind, and each workflow grants nothing by default.

use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn files() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join(".github/workflows"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    out.sort();
    assert!(out.len() >= 2, "the ci and release workflows: {out:?}");
    out.push(root().join("action.yml"));
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn name(path: &Path) -> String {
    path.strip_prefix(root()).unwrap().display().to_string()
}

#[test]
fn workflows_and_the_action_are_yaml() {
    for path in files() {
        let text = read(&path);
        for event in saphyr_parser::Parser::new_from_str(&text) {
            if let Err(e) = event {
                panic!("{} is not valid YAML: {e}", name(&path));
            }
        }
    }
}

/// `uses: owner/repo[/path]@<40 hex> # <tag>`, or a local action (`./...`).
fn pinned(value: &str) -> Result<(), String> {
    let (reference, comment) = match value.split_once(" # ") {
        Some((r, c)) => (r.trim(), c.trim()),
        None => (value.trim(), ""),
    };
    if reference.starts_with("./") {
        return Ok(());
    }
    let Some((action, sha)) = reference.rsplit_once('@') else {
        return Err("no `@` ref".to_owned());
    };
    if action.split('/').count() < 2 {
        return Err(format!("`{action}` is not owner/repo"));
    }
    if sha.len() != 40
        || !sha
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    {
        return Err(format!(
            "`{sha}` is not a full commit SHA (40 lowercase hex digits)"
        ));
    }
    if comment.is_empty() {
        return Err("no `# <tag>` comment after the SHA (Dependabot reads it)".to_owned());
    }
    Ok(())
}

#[test]
fn every_action_is_pinned_to_a_commit_with_its_tag() {
    let mut bad = Vec::new();
    let mut count = 0;
    for path in files() {
        for (n, line) in read(&path).lines().enumerate() {
            let trimmed = line.trim_start().trim_start_matches("- ");
            if let Some(value) = trimmed.strip_prefix("uses:") {
                count += 1;
                if let Err(why) = pinned(value) {
                    bad.push(format!("{}:{}: {}: {why}", name(&path), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(count >= 10, "found only {count} `uses:` lines");
    assert!(bad.is_empty(), "unpinned actions:\n{}", bad.join("\n"));
}

#[test]
fn every_checkout_leaves_no_credentials() {
    let mut bad = Vec::new();
    for path in files() {
        let text = read(&path);
        let lines: Vec<&str> = text.lines().collect();
        for (n, line) in lines.iter().enumerate() {
            if !line.contains("uses: actions/checkout@") {
                continue;
            }
            // The step's own lines: those indented deeper than its `- uses:`.
            let indent = line.len() - line.trim_start().len();
            let step = lines[n + 1..]
                .iter()
                .take_while(|l| l.trim().is_empty() || l.len() - l.trim_start().len() > indent);
            if !step
                .into_iter()
                .any(|l| l.trim() == "persist-credentials: false")
            {
                bad.push(format!("{}:{}", name(&path), n + 1));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "checkouts without `persist-credentials: false` (zizmor's artipacked): {}",
        bad.join(", ")
    );
}

#[test]
fn workflows_grant_nothing_by_default() {
    for path in files().iter().filter(|p| !p.ends_with("action.yml")) {
        let text = read(path);
        assert!(
            text.lines().any(|l| l == "permissions: {}"),
            "{}: no top-level `permissions: {{}}`; each job asks for what it needs",
            name(path)
        );
    }
}
