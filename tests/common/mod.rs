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

/// An outcome in one format, made stable for snapshots: human output without colour at
/// width 100, JUnit with a fixed timestamp and host name.
#[allow(dead_code)]
pub fn render(outcome: &Outcome, format: Format) -> String {
    let rulebook = outcome.policy.rulebook();
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
