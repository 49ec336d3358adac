//! `catalint diff` as a user runs it: the transitive composition, the reports (snapshots),
//! revisions and folders, the gate, the policy's review section, and bad input.

use super::repo::{Repo, change, changes_of, git_in, run_catalint};

const S: &str = "catalogue/services/";

fn svc(name: &str) -> String {
    format!("{S}{name}.yaml")
}

/// A service that depends hard on database-platform, promising `target`.
fn dependant(id: &str, target: &str) -> String {
    format!(
        "apiVersion: catalogue/v1
kind: Service
metadata:
  id: {id}
  name: {id}
spec:
  category: application
  facing: supporting
  lifecycle: live
  criticality: 2
  owner:
    team: platform-engineering
    serviceOwner: omar.haddad@example.org
  supportGroup: platform-engineering
  hours:
    service: 24x7
    support: 24x7
  serviceLevels:
    agreement: OLA
    availability: {{target: {target}, measuredDuring: 24x7}}
    incident:
      - {{priority: P1, response: 15m, resolution: 2h}}
      - {{priority: P2, response: 30m, resolution: 4h}}
      - {{priority: P3, response: 2h, resolution: 1d}}
      - {{priority: P4, response: 8h, resolution: 5d}}
    recovery: {{rto: 1h, rpo: 5m}}
  dependencies:
    - {{service: database-platform, kind: hard}}
"
    )
}

#[test]
fn lowering_a_database_names_the_three_dependants_that_now_promise_too_much() {
    let r = Repo::catalogue();
    // BASE: payroll-application, reporting and search promise 99.9%, within the 99.900025%
    // that cloud-hosting (99.95%) and database-platform (99.95%) allow together.
    r.edit(
        &svc("payroll-application"),
        "target: 99.8,",
        "target: 99.9,",
    );
    r.write(&svc("reporting"), &dependant("reporting", "99.9"));
    r.write(&svc("search"), &dependant("search", "99.9"));
    // A dependant with a modest target is moved too, but does not exceed.
    r.write(&svc("archive"), &dependant("archive", "99.5"));
    r.commit("dependants");
    r.edit(&svc("database-platform"), "target: 99.95,", "target: 99.9,");
    let d = r.diff_json(&["HEAD"]);
    let db = change(&d, "database-platform", "availability-lowered");
    assert_eq!(db["before"], "99.95%");
    assert_eq!(db["after"], "99.9%");
    assert_eq!(
        db["detail"],
        "3 hard dependants now promise more than their dependencies allow: payroll-application, reporting, search",
        "{d:#}"
    );
    for id in ["payroll-application", "reporting", "search", "archive"] {
        let c = change(&d, id, "allowed-availability-lowered");
        assert_eq!(c["before"], "99.900025%", "{id}");
        // 99.95% x 99.9%, exactly.
        assert_eq!(c["after"], "99.85005%", "{id}");
        assert_eq!(c["class"], "weakened");
        let detail = c["detail"].as_str().unwrap();
        assert!(detail.starts_with("through database-platform"), "{detail}");
        assert_eq!(
            detail.contains("is now above it"),
            id != "archive",
            "{id}: {detail}"
        );
    }
    // Services the change cannot reach are not mentioned.
    assert!(changes_of(&d, "hr-self-service").is_empty());
    // The rule's default scope is direct: of the three, only payroll-application's direct
    // hard dependencies (99.95% x 99.9%) fall below its target. The diff composes the whole
    // closure, so it names reporting and search too.
    assert_eq!(d["summary"]["newFindings"], 1, "{d:#}");
}

/// One change of several kinds, with hostile text in a name and a value.
fn scenario() -> Repo {
    let r = Repo::catalogue();
    r.edit(&svc("cloud-hosting"), "target: 99.95,", "target: 99.9,");
    r.edit(
        &svc("cloud-hosting"),
        "P1, response: 15m",
        "P1, response: 30m",
    );
    r.edit(
        &svc("cloud-hosting"),
        "team: platform-engineering",
        "team: service-desk",
    );
    r.edit(
        &svc("hr-self-service"),
        "name: HR Self-Service",
        "name: \"HR | <script>alert(1)</script> `rm -rf` @everyone\\nnext line\"",
    );
    r.edit(
        &svc("hr-self-service"),
        "fulfilment: 5d}",
        "fulfilment: 1w}",
    );
    r.edit(
        &svc("hr-self-service"),
        "  offerings:\n",
        "  offerings:\n    - name: \"Copy | [link](http://evil) **bold**\"\n",
    );
    r.git(&["mv", &svc("it-consultancy"), &svc("consultancy")]);
    r.remove("catalogue/products/staff-laptop.yaml");
    r
}

#[test]
fn markdown_report() {
    let r = scenario();
    let (code, out, err) = r.catalint(&["diff", "main", "--format", "markdown"]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("<script>"), "{out}");
    assert!(!out.contains("@everyone"), "{out}");
    // No line of a table has an unescaped `|` beyond its columns.
    for line in out.lines().filter(|l| l.starts_with('|')) {
        let cells = line.replace("\\|", "").matches('|').count();
        assert!(cells == 6 || cells == 5, "{line}");
    }
    insta::assert_snapshot!("markdown", out);
}

#[test]
fn json_report() {
    let r = scenario();
    let (code, out, err) = r.catalint(&["diff", "main", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], 1);
    insta::assert_snapshot!("json", out);
}

#[test]
fn human_report() {
    let r = scenario();
    let (code, out, err) = r.catalint(&["diff", "main", "--width", "100"]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains('\x1b'), "no colour off a terminal");
    insta::assert_snapshot!("human", out);
}

#[test]
fn github_annotations_are_escaped_and_placed_on_head_lines() {
    let r = scenario();
    let (_, out, _) = r.catalint(&["diff", "main", "--format", "github"]);
    let lowered = out
        .lines()
        .find(|l| l.contains("availability-lowered"))
        .unwrap();
    assert!(
        lowered.starts_with("::warning file=catalogue/services/cloud-hosting.yaml,line=21,"),
        "{lowered}"
    );
    // The removed product has no line in HEAD: its annotation names no file.
    let removed = out.lines().find(|l| l.contains("entity-removed")).unwrap();
    assert!(removed.starts_with("::warning title="), "{removed}");
    for line in out.lines() {
        assert!(line.starts_with("::") || !line.contains("::"), "{line}");
    }
}

#[test]
fn past_twenty_entities_the_rest_is_folded() {
    let r = Repo::catalogue();
    for i in 0..25 {
        r.write(
            &format!("catalogue/teams/t{i:02}.yaml"),
            &format!("apiVersion: catalogue/v1\nkind: Team\nmetadata:\n  id: team-{i:02}\n  name: T\nspec:\n  email: t{i}@example.org\n"),
        );
    }
    let (_, out, _) = r.catalint(&["diff", "main", "--format", "markdown"]);
    assert_eq!(out.matches("### ").count(), 25, "{out}");
    let fold = out
        .find("<details><summary>5 more entities</summary>")
        .unwrap();
    assert_eq!(out[..fold].matches("### ").count(), 20);
    assert!(out.contains("</details>"));
}

#[test]
fn two_revisions_with_a_rename_committed_on_a_branch() {
    let r = Repo::catalogue();
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.git(&["mv", &svc("it-consultancy"), &svc("consultancy")]);
    r.edit(&svc("consultancy"), "lifecycle: live", "lifecycle: retired");
    r.commit("retire consultancy");
    r.git(&["checkout", "-q", "main"]);
    // The working tree is main's: the comparison reads both sides from git's objects.
    let d = r.diff_json(&["main", "feature"]);
    let moved = change(&d, "it-consultancy", "entity-moved");
    assert_eq!(moved["before"], "catalogue/services/it-consultancy.yaml");
    assert_eq!(moved["after"], "catalogue/services/consultancy.yaml");
    assert_eq!(
        change(&d, "it-consultancy", "lifecycle-changed")["class"],
        "weakened"
    );
    assert_eq!(
        d["base"]["label"].as_str().unwrap().split(' ').next(),
        Some("main")
    );
    assert!(
        d["head"]["label"]
            .as_str()
            .unwrap()
            .starts_with("feature (")
    );
    // Nothing was checked out or left behind.
    assert!(r.path(&svc("it-consultancy")).exists());
    assert_eq!(r.git(&["status", "--porcelain"]), "");
}

#[test]
fn the_default_base_is_the_merge_base_with_the_upstream() {
    let origin = Repo::catalogue();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.root.display());
    git_in(dir.path(), &["clone", "-q", &url, "clone"]);
    let clone = dir.path().join("clone");
    git_in(
        &clone,
        &["checkout", "-q", "-b", "feature", "--track", "origin/main"],
    );
    // main moves on after the branch was made: its change is not the branch's.
    origin.edit(&svc("cloud-hosting"), "criticality: 1", "criticality: 3");
    origin.commit("elsewhere");
    git_in(&clone, &["fetch", "-q"]);
    let f = clone.join(svc("cloud-hosting"));
    let text = std::fs::read_to_string(&f).unwrap();
    std::fs::write(&f, text.replace("rto: 1h", "rto: 2h")).unwrap();
    let (code, out, err) = run_catalint(&clone, &["diff", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let d: serde_json::Value = serde_json::from_str(&out).unwrap();
    let kinds: Vec<String> = changes_of(&d, "cloud-hosting")
        .into_iter()
        .map(|c| c.0)
        .collect();
    assert_eq!(kinds, ["recovery-slower"], "{d:#}");
    // A branch without an upstream is asked for a BASE.
    git_in(&clone, &["checkout", "-q", "-b", "alone"]);
    let (code, _, err) = run_catalint(&clone, &["diff"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no BASE given") && err.contains("catalint diff main"),
        "{err}"
    );
}

#[test]
fn a_shallow_clone_without_the_base_says_what_to_fetch() {
    let origin = Repo::catalogue();
    origin.edit(&svc("cloud-hosting"), "criticality: 1", "criticality: 2");
    origin.commit("second");
    let dir = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.root.display());
    git_in(
        dir.path(),
        &["clone", "-q", "--depth", "1", &url, "shallow"],
    );
    let shallow = dir.path().join("shallow");
    let (code, _, err) = run_catalint(&shallow, &["diff", "HEAD~1"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("shallow clone"), "{err}");
    assert!(err.contains("git fetch --depth=1 origin HEAD~1"), "{err}");
    // Fetching the base as told makes the diff work.
    let base = origin.git(&["rev-parse", "HEAD~1"]);
    git_in(
        &shallow,
        &["fetch", "-q", "--depth=1", "origin", base.trim()],
    );
    let (code, out, err) = run_catalint(&shallow, &["diff", base.trim(), "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"field-changed\""), "{out}");
}

#[test]
fn against_a_folder_and_from_a_subfolder() {
    let r = Repo::catalogue();
    let old = tempfile::tempdir().unwrap();
    let (code, _, _) = run_catalint(old.path(), &["--version"]);
    assert_eq!(code, 0);
    super::repo::git_in(
        &r.root,
        &[
            "worktree",
            "add",
            "-q",
            old.path().join("wt").to_str().unwrap(),
        ],
    );
    r.edit(&svc("cloud-hosting"), "agreement: OLA", "agreement: UC");
    let base_dir = old.path().join("wt");
    let (code, out, err) = r.catalint(&[
        "diff",
        "--base-dir",
        base_dir.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let d: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        change(&d, "cloud-hosting", "agreement-changed")["after"],
        "UC"
    );
    // From catalogue/, files are named from there on both sides.
    let (code, out, err) = r.catalint_in("catalogue", &["diff", "main", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let d: serde_json::Value = serde_json::from_str(&out).unwrap();
    let c = change(&d, "cloud-hosting", "agreement-changed");
    assert_eq!(c["place"]["file"], "services/cloud-hosting.yaml", "{d:#}");
    assert_eq!(d["summary"]["entities"], 1, "{d:#}");
}

#[test]
fn the_gate() {
    let r = Repo::catalogue();
    let code = |args: &[&str]| {
        let mut all = vec!["diff", "main", "--format", "json"];
        all.extend_from_slice(args);
        r.catalint(&all).0
    };
    assert_eq!(code(&["--fail-on", "weakened"]), 0, "no change");
    r.edit(&svc("cloud-hosting"), "rpo: 5m", "rpo: 1m");
    assert_eq!(code(&["--fail-on", "weakened"]), 0, "only strengthened");
    r.edit(
        &svc("payroll-application"),
        "target: 99.8,",
        "target: 99.7,",
    );
    assert_eq!(code(&["--fail-on", "weakened"]), 1);
    assert_eq!(
        code(&["--fail-on", "new-finding"]),
        0,
        "weakened, but no new finding"
    );
    assert_eq!(code(&[]), 0, "the default gate is never");
    r.edit(
        &svc("payroll-application"),
        "target: 99.7,",
        "target: 99.99,",
    );
    assert_eq!(code(&["--fail-on", "new-finding"]), 1);
    assert_eq!(code(&["--fail-on", "never"]), 0);
}

#[test]
fn the_base_policy_reclasses_kinds_and_marks_them_for_review() {
    let r = Repo::with(
        &[("catalogue", "catalogue")],
        &[
            (
                "catalint.yaml",
                "policy: policy.yaml\ninclude: [\"catalogue/**\"]\n",
            ),
            (
                "policy.yaml",
                "apiVersion: catalogue/v1\nkind: Policy\nmetadata: {id: p, name: P}\nspec:\n  extends: default\n  review:\n    classes: {owner-changed: weakened}\n    required: [owner-changed, entity-removed]\n",
            ),
        ],
    );
    r.edit(
        &svc("cloud-hosting"),
        "team: platform-engineering",
        "team: service-desk",
    );
    // HEAD's own policy cannot re-class its changes: BASE's applies.
    r.write(
        "policy.yaml",
        &r.read("policy.yaml")
            .replace("owner-changed: weakened", "owner-changed: strengthened"),
    );
    let d = r.diff_json(&["main"]);
    let c = change(&d, "cloud-hosting", "owner-changed");
    assert_eq!(c["class"], "weakened");
    assert_eq!(c["review"], true);
    assert_eq!(d["summary"]["review"], 1);
    let (_, out, _) = r.catalint(&["diff", "main", "--format", "markdown"]);
    assert!(out.contains("needs review"), "{out}");
    // A kind the schema does not know is the policy's error, with its place.
    r.write("policy.yaml", "apiVersion: catalogue/v1\nkind: Policy\nmetadata: {id: p, name: P}\nspec:\n  extends: default\n  review:\n    required: [owner-changd]\n");
    let (code, _, err) = r.catalint(&["check"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("policy.yaml"), "{err}");
    let (code, out, _) = r.catalint(&["schema", "Policy", "--no-config"]);
    assert_eq!(code, 0);
    assert!(out.contains("\"review\"") && out.contains("allowed-availability-lowered"));
}

#[test]
fn unknown_revision() {
    let r = Repo::catalogue();
    let (code, out, err) = r.catalint(&["diff", "no-such-branch"]);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert!(err.contains("unknown revision `no-such-branch`"), "{err}");
    let (code, _, err) = r.catalint(&["diff", "main", "nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown revision `nope`"), "{err}");
}

#[test]
fn not_a_repository() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("cat")).unwrap();
    let (code, _, err) = run_catalint(&dir.path().join("cat"), &["diff", "main"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("not in a git repository") && err.contains("--base-dir"),
        "{err}"
    );
}

#[test]
fn a_config_that_cannot_be_read_on_one_side() {
    let r = Repo::with(
        &[("catalogue", "catalogue")],
        &[("catalint.yaml", "include: [\"catalogue/**\"]\nrulez: {}\n")],
    );
    r.write("catalint.yaml", "include: [\"catalogue/**\"]\n");
    let (code, _, err) = r.catalint(&["diff", "main"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("catalint.yaml"), "{err}");
    assert!(!err.contains("catalint-diff-"), "no temporary path: {err}");
}

#[test]
fn a_file_that_does_not_parse_on_one_side_is_named_and_nothing_is_guessed() {
    let r = Repo::catalogue();
    r.edit(&svc("cloud-hosting"), "spec:\n", "spec: [\n");
    let d = r.diff_json(&["main"]);
    // Not "removed": unreadable in HEAD, and its entity not compared.
    assert!(changes_of(&d, "cloud-hosting").is_empty(), "{d:#}");
    let u = &d["unreadable"][0];
    assert_eq!(u["side"], "head");
    assert_eq!(u["file"], "catalogue/services/cloud-hosting.yaml");
    assert_eq!(u["entities"], serde_json::json!(["cloud-hosting"]));
    assert!(
        u["reason"].as_str().unwrap().starts_with("yaml-syntax"),
        "{u}"
    );
    let (_, out, _) = r.catalint(&["diff", "main"]);
    assert!(out.contains("could not be read"), "{out}");
}

#[test]
fn ids_that_collide_on_one_side_are_named_not_paired() {
    let r = Repo::catalogue();
    let copy = r
        .read(&svc("cloud-hosting"))
        .replace("target: 99.95,", "target: 99.5,");
    r.write(&svc("cloud-hosting-copy"), &copy);
    let d = r.diff_json(&["main"]);
    assert!(changes_of(&d, "cloud-hosting").is_empty(), "{d:#}");
    let c = &d["collisions"][0];
    assert_eq!(c["side"], "head");
    assert_eq!(c["key"], "Service:cloud-hosting");
    assert_eq!(c["places"].as_array().unwrap().len(), 2);
    assert!(d["newFindings"].to_string().contains("unique-id"));
}

#[test]
fn a_policy_that_cannot_be_read_on_one_side() {
    // BASE's config names a policy that BASE does not have (it was added later).
    let r = Repo::with(
        &[("catalogue", "catalogue")],
        &[(
            "catalint.yaml",
            "policy: policy.yaml\ninclude: [\"catalogue/**\"]\n",
        )],
    );
    r.write(
        "policy.yaml",
        "apiVersion: catalogue/v1\nkind: Policy\nmetadata: {id: p, name: P}\nspec:\n  extends: default\n",
    );
    let (code, out, err) = r.catalint(&["diff", "main"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("BASE") && err.contains("policy.yaml"), "{err}");
    assert!(!err.contains("catalint-diff-"), "no temporary path: {err}");
    // HEAD's side breaking is said to be HEAD's.
    r.commit("policy");
    r.write("policy.yaml", "kind: [\n");
    let (code, _, err) = r.catalint(&["diff", "HEAD"]);
    assert_eq!(code, 2);
    assert!(err.contains("HEAD") && err.contains("policy.yaml"), "{err}");
}
