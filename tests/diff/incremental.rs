//! HEAD re-checked on BASE's workspace gives the same diff as two whole checks
//! (`--no-incremental`), on a real repository whose change adds, removes and renames files
//! and breaks a reference; and a change to the policy is checked whole.

use assert_cmd::Command as Bin;

use crate::repo::Repo;

/// `catalint diff ARGS` with the trace on: (stdout, how HEAD was checked).
fn diff(repo: &Repo, args: &[&str]) -> (String, String) {
    let out = Bin::cargo_bin("catalint")
        .unwrap()
        .current_dir(&repo.root)
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("CATALINT_DIFF_TRACE", "1")
        .arg("diff")
        .args(args)
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    (String::from_utf8(out.stdout).unwrap(), err)
}

fn same_both_ways(repo: &Repo, args: &[&str], incremental: bool) {
    for format in ["json", "markdown", "human"] {
        let mut fast = args.to_vec();
        fast.extend(["--format", format, "--width", "100"]);
        let mut whole = fast.clone();
        whole.push("--no-incremental");
        let (a, how) = diff(repo, &fast);
        let (b, how_whole) = diff(repo, &whole);
        assert_eq!(
            a, b,
            "{format}: the incremental diff differs from two checks"
        );
        let expected = match incremental {
            true => "HEAD re-checked on BASE's workspace",
            false => "HEAD checked whole",
        };
        assert!(how.contains(expected), "{args:?}: {how}");
        assert!(how_whole.contains("HEAD checked whole"), "{how_whole}");
    }
}

fn feature(repo: &Repo) {
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.git(&[
        "mv",
        "catalogue/services/it-consultancy.yaml",
        "catalogue/services/consultancy.yaml",
    ]);
    repo.remove("catalogue/services/laptop-and-desktop.yaml");
    let hosting = repo.read("catalogue/services/cloud-hosting.yaml");
    repo.write(
        "catalogue/services/edge-hosting.yaml",
        &hosting.replacen("id: cloud-hosting", "id: edge-hosting", 1),
    );
    // Payroll's hard dependency now names an id nobody has; the target goes down too.
    repo.edit(
        "catalogue/services/database-platform.yaml",
        "id: database-platform",
        "id: database-platform-v2",
    );
    repo.edit(
        "catalogue/services/database-platform.yaml",
        "target: 99.95",
        "target: 99.5",
    );
    repo.commit("feature");
}

#[test]
fn incremental_and_whole_agree_on_revisions_and_the_working_tree() {
    let repo = Repo::catalogue();
    feature(&repo);
    let (json, _) = diff(&repo, &["main", "feature", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(
        !v["newFindings"].as_array().unwrap().is_empty(),
        "the broken reference is a new finding: {v:#}"
    );
    same_both_ways(&repo, &["main", "feature"], true);
    same_both_ways(&repo, &["feature", "main"], true);
    // The working tree: an uncommitted edit, a new untracked file, a file deleted.
    repo.edit(
        "catalogue/services/payroll-application.yaml",
        "kind: hard}",
        "kind: soft}",
    );
    let hosting = repo.read("catalogue/services/cloud-hosting.yaml");
    repo.write(
        "catalogue/services/untracked.yaml",
        &hosting.replacen("id: cloud-hosting", "id: untracked-hosting", 1),
    );
    repo.remove("catalogue/services/hr-self-service.yaml");
    same_both_ways(&repo, &["main"], true);
}

const POLICY: &str = "apiVersion: catalogue/v1\nkind: Policy\nmetadata: {id: p, name: P}\nspec:\n  extends: default\n  review:\n    classes: {owner-changed: changed}\n";

#[test]
fn a_changed_policy_is_checked_whole() {
    let repo = Repo::with(
        &[("catalogue", "catalogue")],
        &[
            ("catalint.yaml", "policy: policy.yaml\n"),
            ("policy.yaml", POLICY),
        ],
    );
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(
        "policy.yaml",
        &POLICY.replace("owner-changed: changed", "owner-changed: weakened"),
    );
    repo.edit(
        "catalogue/services/database-platform.yaml",
        "target: 99.95",
        "target: 99.5",
    );
    repo.commit("feature");
    same_both_ways(&repo, &["main", "feature"], false);
    same_both_ways(&repo, &["main"], false);
}

/// A revision read from memory is the folder a checkout of it would be: compared with a
/// checkout of itself (its working tree, read from disk), nothing differs, not even the
/// files read. The revision holds what discovery treats specially: hidden files and folders, an
/// `exclude` glob, a policy file inside the catalogue, a file that is not a catalogue file,
/// and files that cannot be read as text (invalid UTF-8, a NUL byte, UTF-16).
#[test]
fn a_revision_in_memory_reads_as_its_checkout() {
    let repo = Repo::with(
        &[("catalogue", "catalogue")],
        &[
            (
                "catalint.yaml",
                "policy: catalogue/policy.yaml\nexclude: [\"catalogue/archive/**\"]\n",
            ),
            ("catalogue/policy.yaml", POLICY),
            ("catalogue/.draft.yaml", "not: [a catalogue file\n"),
            ("catalogue/.wip/x.yaml", "not: [a catalogue file\n"),
            ("catalogue/archive/old.yaml", "not: [a catalogue file\n"),
            ("catalogue/notes.md", "not: [yaml\n"),
        ],
    );
    std::fs::write(repo.path("catalogue/latin1.yaml"), b"name: caf\xe9\n").unwrap();
    std::fs::write(repo.path("catalogue/nul.yaml"), b"name: a\0b\n").unwrap();
    std::fs::write(
        repo.path("catalogue/wide.yaml"),
        b"\xff\xfen\0a\0m\0e\0:\0 \0x\0\n\0",
    )
    .unwrap();
    repo.commit("odd files");
    let checkout = tempfile::tempdir().unwrap();
    let wt = checkout.path().join("wt");
    repo.git(&[
        "worktree",
        "add",
        "-q",
        "--detach",
        wt.to_str().unwrap(),
        "main",
    ]);
    // In the checkout, BASE (main, from memory) against the working tree (read from disk as
    // `check` reads it), checked whole and re-checked; at the top and in a subfolder.
    for (dir, whole) in [("", true), ("", false), ("catalogue", true)] {
        let mut args = vec!["diff", "main", "--format", "json"];
        if whole {
            args.push("--no-incremental");
        }
        let (code, out, err) = crate::repo::run_catalint(&wt.join(dir), &args);
        assert!(code == 0 || code == 1, "exit {code}: {err}");
        let d: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(d["entities"], serde_json::json!([]), "{dir}: {d:#}");
        assert_eq!(d["newFindings"], serde_json::json!([]), "{dir}: {d:#}");
        assert_eq!(d["fixedFindings"], serde_json::json!([]), "{dir}: {d:#}");
        assert_eq!(d["base"]["files"], d["head"]["files"], "{dir}: {d:#}");
        assert_eq!(d["base"]["entities"], d["head"]["entities"], "{dir}: {d:#}");
        let unreadable = d["unreadable"].as_array().unwrap();
        let on = |side: &str| {
            let mut files: Vec<&str> = unreadable
                .iter()
                .filter(|u| u["side"] == side)
                .map(|u| u["file"].as_str().unwrap())
                .collect();
            files.sort();
            files
        };
        assert_eq!(on("base").len(), 3, "{dir}: {d:#}");
        assert_eq!(on("base"), on("head"), "{dir}: {d:#}");
    }
    // The working tree is main: re-checked on main's workspace, nothing changed.
    same_both_ways(&repo, &["main"], true);
    let d = repo.diff_json(&["main"]);
    assert_eq!(d["entities"], serde_json::json!([]), "{d:#}");
    assert_eq!(d["base"]["files"], d["head"]["files"], "{d:#}");
}
