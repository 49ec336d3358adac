//! Adopting catalint on a catalogue that is not clean yet: suppression comments, per-path
//! overrides in the config, and baselines, end to end through the binary.

use std::fs;
use std::path::Path;

mod common;
use common::run;

fn catalogue() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in ["teams.yaml", "svc.yaml", "web.yaml"] {
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/rules/agreement-type/fail")
            .join(name);
        if from.exists() {
            fs::copy(from, dir.path().join(name)).unwrap();
        }
    }
    dir
}

#[test]
fn suppression_comments_silence_one_line_or_one_file() {
    let dir = catalogue();
    let short = ["check", "--format", "short", "--fail-on", "warning", "."];
    assert_eq!(run(dir.path(), &short).1.lines().count(), 2);
    let web = dir.path().join("web.yaml");
    let text = fs::read_to_string(&web).unwrap();
    fs::write(&web, text.replace("    agreement: OLA", "    # catalint-disable-next-line agreement-type -- supplier contract\n    agreement: OLA")).unwrap();
    let (code, out, _) = run(dir.path(), &short);
    assert_eq!(code, 1);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("svc.yaml:"), "{out}");
    let svc = dir.path().join("svc.yaml");
    let text = fs::read_to_string(&svc).unwrap();
    fs::write(
        &svc,
        format!("# catalint-disable-file agreement-type -- internal\n{text}"),
    )
    .unwrap();
    let (code, out, _) = run(dir.path(), &short);
    assert_eq!((code, out.as_str()), (0, ""));
    // Once the problem is fixed, the comment is reported as unused.
    let text = fs::read_to_string(&svc).unwrap();
    fs::write(&svc, text.replace("agreement: SLA", "agreement: OLA")).unwrap();
    let (_, out, _) = run(dir.path(), &short);
    assert!(
        out.contains(
            "warning[unused-suppression] suppression of `agreement-type` suppresses nothing"
        ),
        "{out}"
    );
}

#[test]
fn per_path_overrides_in_the_config() {
    let dir = catalogue();
    fs::write(
        dir.path().join("catalint.yaml"),
        "overrides:\n  - files: [\"web.yaml\"]\n    rules: {agreement-type: off}\n  - files: [\"svc.yaml\"]\n    rules: {agreement-type: error}\n",
    )
    .unwrap();
    let (code, out, _) = run(dir.path(), &["check", "--format", "short", "."]);
    assert_eq!(code, 1);
    assert_eq!(
        out.trim(),
        "svc.yaml:19:16: error[agreement-type] supporting service `svc` uses an SLA; it should use `OLA` or `UC`"
    );
}

#[test]
fn baseline_hides_known_findings_and_survives_edits_elsewhere() {
    let dir = catalogue();
    let (code, out, _) = run(
        dir.path(),
        &["check", "--write-baseline", "baseline.json", "."],
    );
    assert_eq!(code, 0);
    assert_eq!(out, "baseline of 2 findings written to baseline.json\n");
    let check = [
        "check",
        "--format",
        "short",
        "--fail-on",
        "warning",
        "--baseline",
        "baseline.json",
        ".",
    ];
    assert_eq!(run(dir.path(), &check), (0, String::new(), String::new()));
    // Lines move: the findings stay known.
    let web = dir.path().join("web.yaml");
    let text = fs::read_to_string(&web).unwrap();
    fs::write(
        &web,
        text.replace(
            "spec:\n",
            "spec:\n  # a comment that moves every line below\n",
        ),
    )
    .unwrap();
    assert_eq!(run(dir.path(), &check).0, 0);
    // A new finding is reported.
    fs::write(
        &web,
        fs::read_to_string(&web)
            .unwrap()
            .replace("criticality: 2", "criticality: 9"),
    )
    .unwrap();
    let (code, out, _) = run(dir.path(), &check);
    assert_eq!(code, 1);
    assert!(
        out.contains("error[schema] `spec.criticality` must be an integer from 1 to 4"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 1, "{out}");
    // A corrupt baseline is a usage error, not a silent pass.
    fs::write(dir.path().join("baseline.json"), "{").unwrap();
    assert_eq!(run(dir.path(), &check).0, 2);
}
