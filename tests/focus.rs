//! A run that reports some files of a larger catalogue (pre-commit: the staged files, with
//! `include` in the config) skips schema validation and per-entity rules for the other
//! files. That is only correct if it reports exactly what the whole run reports for those
//! files: checked here file by file on every rule's failing fixture.

use std::path::{Path, PathBuf};

use catalint::engine::{self, CheckOptions, ConfigChoice};

fn findings(opts: &CheckOptions, only: Option<&Path>) -> Vec<String> {
    let outcome = engine::check(opts).unwrap_or_else(|e| panic!("{:?}: {e}", opts.paths));
    outcome
        .diagnostics
        .iter()
        .filter(|d| {
            let file = Path::new(&outcome.files().get(d.file()).path);
            only.is_none_or(|f| file.file_name() == f.file_name())
        })
        .map(|d| {
            let f = outcome.files().get(d.file());
            format!(
                "{} {} {:?} {}",
                Path::new(&f.path).file_name().unwrap().to_string_lossy(),
                d.rule,
                d.primary.location.span,
                d.message
            )
        })
        .collect()
}

#[test]
fn reporting_one_file_finds_what_the_whole_run_finds_there() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let mut compared = 0;
    for rule in std::fs::read_dir(&root).unwrap() {
        let fail = rule.unwrap().path().join("fail");
        let tmp = tempfile::tempdir().unwrap();
        let mut files = Vec::new();
        for entry in std::fs::read_dir(&fail).unwrap() {
            let path = entry.unwrap().path();
            if !path.is_file() {
                continue;
            }
            let to = tmp.path().join(path.file_name().unwrap());
            std::fs::copy(&path, &to).unwrap();
            files.push(to);
        }
        let config = tmp.path().join("catalint.yaml");
        std::fs::write(&config, "include: [\"*.yaml\", \"*.yml\"]\n").unwrap();
        let whole = CheckOptions {
            paths: vec![tmp.path().to_path_buf()],
            config: ConfigChoice::None,
            ..CheckOptions::default()
        };
        for file in &files {
            let focused = CheckOptions {
                paths: vec![PathBuf::from(file)],
                config: ConfigChoice::File(config.clone()),
                ..CheckOptions::default()
            };
            assert_eq!(
                findings(&focused, None),
                findings(&whole, Some(file)),
                "{}",
                file.display()
            );
            compared += 1;
        }
    }
    assert!(compared > 40, "only {compared} files compared");
}
