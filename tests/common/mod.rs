//! What the integration test files share. Each test file uses a subset, hence the
//! `dead_code` allowances.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use catalint::engine::{self, CheckOptions, ConfigChoice, Outcome};
use catalint::report::junit::Junit;
use catalint::report::{self, Format, Human, HumanOptions, Reporter};

/// Runs `catalint ARGS` in `dir`: exit code, stdout, stderr.
#[allow(dead_code)]
pub fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("catalint")
        .unwrap()
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .args(args)
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The whole pipeline on a folder, without any config.
#[allow(dead_code)]
pub fn check_dir(dir: &str) -> Outcome {
    let opts = CheckOptions {
        paths: vec![PathBuf::from(dir)],
        config: ConfigChoice::None,
        ..CheckOptions::default()
    };
    engine::check(&opts).unwrap_or_else(|e| panic!("{dir}: {e}"))
}

/// [`check_dir`] under a policy (a file, or a profile's name such as `backstage`).
#[allow(dead_code)]
pub fn check_dir_with(dir: &str, policy: Option<&str>) -> Outcome {
    let opts = CheckOptions {
        paths: vec![PathBuf::from(dir)],
        config: ConfigChoice::None,
        policy: policy.map(PathBuf::from),
        ..CheckOptions::default()
    };
    engine::check(&opts).unwrap_or_else(|e| panic!("{dir}: {e}"))
}

/// An outcome in one format, made stable for snapshots: human output without colour at
/// width 100, JUnit with a fixed timestamp and host name.
#[allow(dead_code)]
pub fn render(outcome: &Outcome, format: Format) -> String {
    let rulebook = catalint::rules::rulebook(&outcome.policy);
    let report = outcome.report(&rulebook);
    let mut buf = Vec::new();
    match format {
        Format::Human => Human::new(HumanOptions {
            color: false,
            width: Some(100),
        })
        .report(&report, &mut buf),
        Format::Junit => Junit {
            timestamp: "2026-11-26T12:00:00".into(),
            hostname: "ci".into(),
        }
        .report(&report, &mut buf),
        f => report::machine(f).map_or(Ok(()), |r| r.report(&report, &mut buf)),
    }
    .unwrap();
    String::from_utf8(buf).unwrap()
}

/// The repository's copy of a public corpus (`tests/corpora/`, with its licence and source).
#[allow(dead_code)]
pub fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpora")
        .join(name)
}

/// Copies a folder tree (a fixture catalogue into a temporary folder).
#[allow(dead_code)]
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Whether this run is CI's (`CI=true`, as GitHub Actions, GitLab and `.ci/run`'s caller set it).
#[allow(dead_code)]
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// A check this machine cannot do because a tool is missing. CI installs every tool the tests
/// need (`.ci/run`), so there it is a failure; on a contributor's machine the test passes but
/// says, on stderr, what it did not check and how to make it run.
#[allow(dead_code)]
pub fn cannot_check(what: &str, how_to_fix: &str) {
    assert!(
        !in_ci(),
        "{what} ({how_to_fix}); CI=true, so a missing tool fails the test"
    );
    eprintln!("NOT CHECKED: {what} ({how_to_fix}); with CI=true this test fails");
}

#[allow(dead_code)]
pub mod editor;
pub mod lsp;
#[allow(dead_code)]
pub mod python;
#[allow(dead_code)]
pub mod steps;

/// What the mutation tests put in place of a byte: the characters that matter to YAML.
#[allow(dead_code)]
pub const MUTATION_BYTES: &[u8] = b"\n :\"[&#\t";

/// The mutation corpus: every byte of `text` deleted, or replaced by each of
/// [`MUTATION_BYTES`], at the byte positions `positions` names; mutants that are not
/// UTF-8 (an edit inside a multi-byte character) are left out. Yields (position, mutant).
#[allow(dead_code)]
pub fn single_byte_mutants(
    text: &str,
    positions: impl Iterator<Item = usize>,
) -> impl Iterator<Item = (usize, String)> {
    let bytes = text.as_bytes().to_vec();
    positions
        .filter(move |&i| i < text.len())
        .flat_map(move |i| {
            let mut variants: Vec<Vec<u8>> = vec![[&bytes[..i], &bytes[i + 1..]].concat()];
            for &r in MUTATION_BYTES {
                if r != bytes[i] {
                    let mut v = bytes.clone();
                    v[i] = r;
                    variants.push(v);
                }
            }
            variants
                .into_iter()
                .filter_map(move |v| String::from_utf8(v).ok().map(|t| (i, t)))
        })
}

/// The example catalogue's files but `except` (paths relative to it), and that file's text.
#[allow(dead_code)]
pub fn example_catalogue_without(except: &str) -> (Vec<(String, String)>, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/catalogue");
    let target = std::fs::read_to_string(root.join(except)).unwrap();
    let mut others: Vec<(String, String)> = Vec::new();
    for folder in ["teams", "services", "products"] {
        for e in std::fs::read_dir(root.join(folder)).unwrap() {
            let p = e.unwrap().path();
            let name = format!("{folder}/{}", p.file_name().unwrap().to_string_lossy());
            if name != except {
                others.push((name, std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    others.sort();
    (others, target)
}
