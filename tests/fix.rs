//! `catalint check --fix`, `--unsafe-fixes` and `--diff`, run as a user runs them: the real
//! binary on a copy of each fixture in `fixtures/fix/<rule>/`. For every fix: the files
//! after it (snapshot), a re-check clean of that rule, bytes outside the edits unchanged,
//! and fixing twice the same as once.

mod common;

use std::path::{Path, PathBuf};

use catalint::engine::{self, CheckOptions, ConfigChoice};
use common::run;

/// Each fixture folder, and whether its fixes are unsafe.
const CASES: &[(&str, bool)] = &[
    ("yaml-ambiguous-value", false),
    ("single-category", false),
    ("unused-suppression", false),
    ("schema", true),
    ("unresolved-reference", true),
    ("product-is-service", true),
    ("agreement-type", true),
];

fn copy_fixture(rule: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(Path::new("fixtures/fix").join(rule)).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    dir
}

fn files(dir: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                // Lossy: the unreadable-file fixtures are not UTF-8.
                String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

/// The files' texts for a snapshot, with the invisible bytes made visible.
fn shown(files: &[(String, String)]) -> String {
    let mut s = String::new();
    for (name, text) in files {
        s.push_str(&format!("===== {name}\n"));
        s.push_str(
            &text
                .replace('\u{feff}', "<BOM>")
                .replace('\r', "<CR>")
                .replace('\t', "<TAB>"),
        );
        if !text.ends_with('\n') {
            s.push_str("<no final newline>\n");
        }
    }
    s
}

fn findings_of(dir: &Path, rule: &str) -> Vec<String> {
    let outcome = engine::check(&CheckOptions {
        paths: vec![PathBuf::from(dir)],
        config: ConfigChoice::None,
        ..CheckOptions::default()
    })
    .unwrap();
    outcome
        .diagnostics
        .iter()
        .filter(|d| d.rule == rule)
        .map(|d| d.message.clone())
        .collect()
}

/// Whether `after` is `before` with some ranges replaced and nothing else: the common
/// prefix and suffix around each changed line stay byte for byte (line breaks included).
fn only_changed_lines_differ(before: &str, after: &str) {
    let b: Vec<&str> = before.split_inclusive('\n').collect();
    let a: Vec<&str> = after.split_inclusive('\n').collect();
    let kept_before: Vec<&&str> = b.iter().filter(|l| a.contains(l)).collect();
    let kept_after: Vec<&&str> = a.iter().filter(|l| b.contains(l)).collect();
    assert_eq!(kept_before, kept_after, "unchanged lines moved or changed");
    // Line breaks of every line stay what they were.
    let crlf = |t: &str| t.matches("\r\n").count() == t.matches('\n').count();
    assert_eq!(crlf(before), crlf(after), "line breaks changed");
    assert_eq!(
        before.starts_with('\u{feff}'),
        after.starts_with('\u{feff}'),
        "byte order mark changed"
    );
    assert_eq!(
        before.ends_with('\n'),
        after.ends_with('\n'),
        "final newline changed"
    );
}

#[test]
fn each_fix_gives_its_snapshot_and_a_clean_recheck() {
    for &(rule, unsafe_fix) in CASES {
        let dir = copy_fixture(rule);
        let before = files(dir.path());
        assert!(
            !findings_of(dir.path(), rule).is_empty(),
            "{rule}: the fixture has no finding to fix"
        );
        if unsafe_fix {
            // `--fix` alone leaves an unsafe fix alone.
            let (_, _, _) = run(dir.path(), &["check", "--no-config", "--fix", "."]);
            assert_eq!(
                files(dir.path()),
                before,
                "{rule}: --fix applied an unsafe fix"
            );
        }
        let flag = if unsafe_fix {
            "--unsafe-fixes"
        } else {
            "--fix"
        };
        let (code, _, stderr) = run(dir.path(), &["check", "--no-config", flag, "."]);
        assert_ne!(code, 2, "{rule}: {stderr}");
        assert!(stderr.contains("fixed "), "{rule}: {stderr}");
        let after = files(dir.path());
        assert_ne!(after, before, "{rule}: nothing was fixed");
        insta::assert_snapshot!(format!("fixed-{rule}"), shown(&after));
        assert_eq!(
            findings_of(dir.path(), rule),
            Vec::<String>::new(),
            "{rule}: findings remain after fixing"
        );
        for ((name, b), (_, a)) in before.iter().zip(&after) {
            only_changed_lines_differ(b, a);
            let _ = name;
        }
        // Twice is once.
        let (_, _, _) = run(dir.path(), &["check", "--no-config", flag, "."]);
        assert_eq!(
            files(dir.path()),
            after,
            "{rule}: a second --fix changed more"
        );
    }
}

#[test]
fn diff_shows_the_change_and_writes_nothing() {
    let dir = copy_fixture("single-category");
    let before = files(dir.path());
    let (code, stdout, stderr) = run(dir.path(), &["check", "--no-config", "--diff", "."]);
    assert_eq!(code, 1, "{stderr}");
    insta::assert_snapshot!("diff-single-category", stdout);
    assert!(
        stderr.contains("would fix 3 findings in 3 files"),
        "{stderr}"
    );
    assert_eq!(files(dir.path()), before, "--diff changed a file");

    // Nothing to fix: no diff, exit 0.
    let (code, stdout, _) = run(
        Path::new("fixtures/rules/single-category/pass"),
        &["check", "--no-config", "--diff", "."],
    );
    assert_eq!((code, stdout.as_str()), (0, ""));
}

#[test]
fn diff_applies_with_patch() {
    // The diff is a real patch: `git apply` in the folder gives what --fix gives.
    let dir = copy_fixture("yaml-ambiguous-value");
    let (_, diff, _) = run(dir.path(), &["check", "--no-config", "--diff", "."]);
    let fixed = copy_fixture("yaml-ambiguous-value");
    run(fixed.path(), &["check", "--no-config", "--fix", "."]);
    let patch = dir.path().join("fix.patch");
    std::fs::write(&patch, &diff).unwrap();
    let status = std::process::Command::new("git")
        .args(["apply", "--unsafe-paths", "-p1", "fix.patch"])
        .current_dir(dir.path())
        .status();
    match status {
        Ok(s) => {
            assert!(s.success(), "git apply refused the diff:\n{diff}");
            std::fs::remove_file(&patch).unwrap();
            assert_eq!(files(dir.path()), files(fixed.path()));
        }
        Err(e) => panic!("git is needed for this test: {e}"),
    }
}

#[test]
fn fix_with_json_reports_what_remains() {
    let dir = copy_fixture("schema");
    let (code, stdout, stderr) = run(
        dir.path(),
        &["check", "--no-config", "--fix", "--format", "json", "."],
    );
    assert_eq!(code, 1, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let fixes: Vec<&serde_json::Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d.get("fix"))
        .collect();
    // Only unsafe fixes were offered: --fix applied none, and the report shows them.
    assert!(!fixes.is_empty(), "{stdout}");
    for f in &fixes {
        assert_eq!(f["applicability"], "unsafe", "{f}");
        assert!(f["edits"][0]["line"].as_u64().unwrap() > 0);
    }
    assert_eq!(
        report["summary"]["unsafeFixable"].as_u64().unwrap() as usize,
        fixes.len()
    );

    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--unsafe-fixes",
            "--format",
            "json",
            ".",
        ],
    );
    assert_eq!(code, 0, "{stderr}\n{stdout}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["diagnostics"], serde_json::json!([]), "{stdout}");
}

#[cfg(unix)]
#[test]
fn a_read_only_file_is_not_written_and_says_so() {
    use std::os::unix::fs::PermissionsExt;
    let dir = copy_fixture("single-category");
    let path = dir.path().join("svc.yaml");
    let before = std::fs::read_to_string(&path).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let (code, _, stderr) = run(dir.path(), &["check", "--no-config", "--fix", "."]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("cannot fix svc.yaml: the file is read-only"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    // The other file was fixed, and kept its permissions.
    let quoted = dir.path().join("quoted.yaml");
    assert!(
        std::fs::read_to_string(&quoted)
            .unwrap()
            .contains("category: \"platform\"")
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".tmp")
        })
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
}

#[cfg(unix)]
#[test]
fn a_fixed_file_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = copy_fixture("single-category");
    let path = dir.path().join("svc.yaml");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    run(dir.path(), &["check", "--no-config", "--fix", "."]);
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("category: platform")
    );
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}

#[test]
fn suppressed_and_baselined_findings_are_not_fixed() {
    let dir = copy_fixture("single-category");
    let path = dir.path().join("svc.yaml");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "  category: [platform]",
        "  # catalint-disable-next-line single-category -- kept as a list on purpose\n  category: [platform]",
    );
    std::fs::write(&path, &text).unwrap();
    let (code, _, stderr) = run(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--write-baseline",
            "base.json",
            "quoted.yaml",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let quoted = std::fs::read_to_string(dir.path().join("quoted.yaml")).unwrap();
    let (code, _, stderr) = run(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--baseline",
            "base.json",
            "--fix",
            ".",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("quoted.yaml")).unwrap(),
        quoted
    );
}

#[test]
fn human_output_names_the_fix_and_counts_fixable_findings() {
    let dir = copy_fixture("agreement-type");
    let (_, stdout, _) = run(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--color",
            "never",
            "--width",
            "100",
            ".",
        ],
    );
    assert!(
        stdout.contains("fixable with --unsafe-fixes: write `SLA` in place of `OLA`"),
        "{stdout}"
    );
    assert!(
        stdout.contains("; 1 fixable with --unsafe-fixes"),
        "{stdout}"
    );
}

#[test]
fn sarif_fixes_validate_against_the_sarif_2_1_0_schema() {
    let mut results = Vec::new();
    let mut docs = Vec::new();
    for &(rule, _) in CASES {
        let dir = copy_fixture(rule);
        let (_, stdout, stderr) = run(dir.path(), &["check", "--no-config", "-f", "sarif", "."]);
        let doc: serde_json::Value =
            serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
        for r in doc["runs"][0]["results"].as_array().unwrap() {
            if let Some(fix) = r.get("fixes") {
                let change = &fix[0]["artifactChanges"][0];
                assert_eq!(
                    change["artifactLocation"],
                    r["locations"][0]["physicalLocation"]["artifactLocation"]
                );
                assert!(change["replacements"][0]["deletedRegion"]["startLine"].is_u64());
                results.push(r.clone());
            }
        }
        docs.push(doc);
    }
    assert!(results.len() >= CASES.len(), "{results:#?}");
    let corpora = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpora");
    let Ok(schema) = std::fs::read_to_string(corpora.join("sarif/sarif-schema-2.1.0.json")) else {
        eprintln!("SKIPPED: {} is absent", corpora.display());
        return;
    };
    let schema: serde_json::Value = serde_json::from_str(&schema).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for doc in &docs {
        let errors: Vec<String> = validator
            .iter_errors(doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
}

#[test]
fn every_rule_says_whether_and_how_it_fixes() {
    for rule in catalint::rules::REGISTRY {
        let m = rule.meta();
        let fix = &m.doc[m.doc.find("## How to fix").unwrap()..];
        assert!(
            fix.contains("catalint check --fix")
                || fix.contains("catalint check --unsafe-fixes")
                || fix.contains("No automatic fix"),
            "{}: `## How to fix` does not say whether catalint fixes it",
            m.id
        );
    }
    let (_, out, _) = run(Path::new("."), &["explain", "duplicate-key"]);
    assert!(
        out.contains("No automatic fix: only a person knows"),
        "{out}"
    );
    // Custom rules too, with a `help` of their own or without one.
    for policy in [
        "policies/examples/strict-production.yaml",
        "policies/examples/small-team.yaml",
    ] {
        let Ok(p) = catalint::policy::Policy::from_file(Path::new(policy)) else {
            panic!("{policy} does not load");
        };
        assert!(!p.custom_rules.is_empty(), "{policy} has no custom rule");
        for r in &p.custom_rules {
            let (code, out, err) = run(Path::new("."), &["explain", &r.def.id, "--policy", policy]);
            assert_eq!(code, 0, "{err}");
            let fix = &out[out.find("## How to fix").unwrap_or_else(|| panic!("{out}"))..];
            assert!(fix.contains("No automatic fix"), "{}: {out}", r.def.id);
        }
    }
}

/// Over every rule's failing fixtures and the fix fixtures, with unsafe fixes on: fixing
/// never gives a file that fails to parse, never adds a finding, and a second plan on the
/// fixed texts finds nothing more to do (twice is once).
#[test]
fn fixing_the_fixtures_never_breaks_a_file_and_twice_is_once() {
    // Each with its policy: the default, or the `backstage` profile for Backstage fixtures.
    let mut dirs: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    for rule in std::fs::read_dir("fixtures/rules").unwrap() {
        let rule = rule.unwrap().path();
        if rule.join("fail").is_dir() {
            dirs.push((rule.join("fail"), None));
        }
        if rule.join("backstage/fail").is_dir() {
            dirs.push((
                rule.join("backstage/fail"),
                Some(PathBuf::from("backstage")),
            ));
        }
    }
    dirs.extend(
        CASES
            .iter()
            .map(|(r, _)| (Path::new("fixtures/fix").join(r), None)),
    );
    dirs.sort();
    let opts = catalint::fix::FixOptions { unsafe_fixes: true };
    for (dir, policy) in dirs {
        let outcome = engine::check(&CheckOptions {
            paths: vec![dir.clone()],
            config: ConfigChoice::None,
            policy,
            ..CheckOptions::default()
        })
        .unwrap();
        let run = catalint::fix::Run::of(&outcome);
        let plan =
            catalint::fix::plan(outcome.files(), &outcome.diagnostics, &run, None, opts).unwrap();
        let texts: Vec<(String, String)> = outcome
            .files()
            .iter()
            .map(|(_, f)| {
                let after = plan
                    .changes
                    .iter()
                    .find(|c| c.path == f.path)
                    .map_or_else(|| f.text.to_string(), |c| c.after.clone());
                (f.path.clone(), after)
            })
            .collect();
        let inputs: Vec<(&str, &str)> = texts
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let (catalogue, after) =
            engine::check_texts(&inputs, &outcome.policy.schemas, &outcome.policy);
        for c in &plan.changes {
            let syntax = after
                .iter()
                .filter(|d| d.rule == "yaml-syntax" || d.rule == "duplicate-key")
                .filter(|d| catalogue.files.get(d.file()).path == c.path)
                .count();
            assert_eq!(syntax, 0, "{}: fixing broke {}", dir.display(), c.path);
        }
        // Twice is once: the fixed texts have no fix left that would apply.
        let again = catalint::fix::plan(&catalogue.files, &after, &run, None, opts).unwrap();
        assert!(
            again.changes.is_empty(),
            "{}: a second round changed {:?}",
            dir.display(),
            again.changes.iter().map(|c| &c.path).collect::<Vec<_>>()
        );
    }
}

/// Over every rule's failing fixtures and the fix fixtures: after `--add-suppressions`,
/// the findings left are exactly those it said it could not comment, and every line of
/// the files is still there, in order, byte for byte (comments are only added, or rules
/// added to an existing comment).
#[test]
fn add_suppressions_leaves_only_what_it_says_it_left() {
    // The default policy's failing fixtures (`unknown-field` has only Backstage ones).
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("fixtures/rules")
        .unwrap()
        .map(|e| e.unwrap().path().join("fail"))
        .filter(|d| d.is_dir())
        .collect();
    dirs.extend(CASES.iter().map(|(r, _)| Path::new("fixtures/fix").join(r)));
    dirs.push(PathBuf::from("fixtures/fix/add-suppressions"));
    dirs.sort();
    let mut comments = 0;
    let mut left = 0;
    for dir in dirs {
        let copy = tempfile::tempdir().unwrap();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_file() {
                std::fs::copy(entry.path(), copy.path().join(entry.file_name())).unwrap();
            }
        }
        let before = files(copy.path());
        let (code, stdout, stderr) = run(
            copy.path(),
            &[
                "check",
                "--no-config",
                "--add-suppressions",
                "--format",
                "json",
                ".",
            ],
        );
        assert_ne!(code, 2, "{}: {stderr}", dir.display());
        let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        let remaining = report["diagnostics"].as_array().unwrap();
        let said_left = stderr
            .matches("warning: no suppression comment for")
            .count();
        assert_eq!(
            remaining.len(),
            said_left,
            "{}: {stderr}\n{stdout}",
            dir.display()
        );
        let after = files(copy.path());
        for ((name, b), (_, a)) in before.iter().zip(&after) {
            // The byte order mark stays first, before any comment on the first line.
            assert_eq!(b.starts_with('\u{feff}'), a.starts_with('\u{feff}'));
            let (b, a) = (
                b.trim_start_matches('\u{feff}'),
                a.trim_start_matches('\u{feff}'),
            );
            let mut kept = a.split_inclusive('\n').filter(|l| {
                !l.contains("catalint-disable-next-line")
                    || b.contains(l.trim_end_matches(['\r', '\n']))
            });
            for line in b.split_inclusive('\n') {
                if line.contains("catalint-disable-next-line") {
                    continue; // may have gained rules
                }
                assert!(
                    kept.any(|l| l == line),
                    "{}/{name}: line {line:?} lost or changed:\n{a}",
                    dir.display()
                );
            }
        }
        comments += stderr.matches("wrote ").count();
        left += said_left;
    }
    eprintln!("add-suppressions: {comments} runs wrote comments, {left} findings left");
}

#[test]
fn add_suppressions_after_fix_comments_what_remains() {
    let dir = copy_fixture("add-suppressions");
    let before = files(dir.path());
    // A preview first: the comments as a diff, nothing written.
    let (code, diff, stderr) = run(
        dir.path(),
        &["check", "--no-config", "--add-suppressions", "--diff", "."],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(
        diff.contains("+  # catalint-disable-next-line single-category -- TODO"),
        "{diff}"
    );
    assert!(
        stderr.contains("would write 5 suppression comments for 5 findings in 2 files"),
        "{stderr}"
    );
    assert_eq!(files(dir.path()), before, "--diff wrote");
    // The diff shows the fixes or the comments, not both.
    let (code, _, stderr) = run(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--fix",
            "--add-suppressions",
            "--diff",
            ".",
        ],
    );
    assert_eq!(code, 2, "{stderr}");

    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--fix",
            "--add-suppressions",
            "--format",
            "json",
            ".",
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    insta::assert_snapshot!("add-suppressions-stderr", stderr);
    insta::assert_snapshot!("add-suppressions-files", shown(&files(dir.path())));
    // What remains is what could take no comment.
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let remaining: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{} {}",
                d["file"].as_str().unwrap(),
                d["line"],
                d["rule"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(remaining, ["flow.yaml:12 schema"], "{stdout}");
    // Twice is once.
    let after = files(dir.path());
    let (_, _, stderr) = run(
        dir.path(),
        &["check", "--no-config", "--add-suppressions", "."],
    );
    assert!(stderr.contains("wrote 0 suppression comments"), "{stderr}");
    assert_eq!(files(dir.path()), after);
}
