//! A run that reports some files of a larger catalogue (pre-commit: the staged files, with
//! `include` in the config) skips schema validation and per-entity rules for the other
//! files. That is only correct if it reports exactly what the whole run reports for those
//! files, a finding counting for a file when any of its places (primary or related) lies
//! in it: checked here file by file on every rule's failing fixture, and on the staged
//! changes that break the catalogue elsewhere than in the staged file (a copy that repeats
//! an id, an edit that closes a cycle, a dependency that lowers its target, a team whose
//! mailbox becomes an owner's address).

use std::path::{Path, PathBuf};

use catalint::engine::{self, CheckOptions, ConfigChoice};

fn findings(opts: &CheckOptions, only: Option<&Path>) -> Vec<String> {
    let outcome = engine::check(opts).unwrap_or_else(|e| panic!("{:?}: {e}", opts.paths));
    outcome
        .diagnostics
        .iter()
        .filter(|d| {
            only.is_none_or(|f| {
                d.places().any(|l| {
                    Path::new(&outcome.files().get(l.file).path).file_name() == f.file_name()
                })
            })
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
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cases: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    for rule in std::fs::read_dir(root.join("fixtures/rules")).unwrap() {
        let rule = rule.unwrap().path();
        if rule.join("fail").is_dir() {
            cases.push((rule.join("fail"), None));
        }
        // Backstage's fixtures under its profile.
        if rule.join("backstage/fail").is_dir() {
            cases.push((
                rule.join("backstage/fail"),
                Some(PathBuf::from("backstage")),
            ));
        }
    }
    // Custom rules (`references`, `unique`) under the example policies that define them.
    for name in ["strict-production", "itil", "small-team"] {
        cases.push((
            root.join("fixtures/policies").join(name),
            Some(root.join("policies/examples").join(format!("{name}.yaml"))),
        ));
    }
    let mut compared = 0;
    for (folder, policy) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let mut files = Vec::new();
        for entry in std::fs::read_dir(&folder).unwrap() {
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
            policy: policy.clone(),
            ..CheckOptions::default()
        };
        for file in &files {
            let focused = CheckOptions {
                paths: vec![PathBuf::from(file)],
                config: ConfigChoice::File(config.clone()),
                policy: policy.clone(),
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

/// The example catalogue in a temporary folder, with a config whose `include` defines it.
fn example_catalogue() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/catalogue");
    for folder in ["products", "services", "teams"] {
        std::fs::create_dir(tmp.path().join(folder)).unwrap();
        for entry in std::fs::read_dir(from.join(folder)).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(
                &path,
                tmp.path().join(folder).join(path.file_name().unwrap()),
            )
            .unwrap();
        }
    }
    std::fs::write(
        tmp.path().join("catalint.yaml"),
        "include: [\"products/**\", \"services/**\", \"teams/**\"]\n",
    )
    .unwrap();
    tmp
}

/// The findings of a run that reports only `staged` (relative to the catalogue), as
/// `rule file:line` with the file of the primary place.
fn staged_run(dir: &Path, staged: &str) -> Vec<String> {
    let outcome = engine::check(&CheckOptions {
        paths: vec![dir.join(staged)],
        config: ConfigChoice::File(dir.join("catalint.yaml")),
        ..CheckOptions::default()
    })
    .unwrap();
    outcome
        .diagnostics
        .iter()
        .map(|d| {
            let f = outcome.files().get(d.file());
            let name = Path::new(&f.path).file_name().unwrap().to_string_lossy();
            let line = f.line_col(d.primary.location.span.start).line;
            format!("{} {name}:{line}", d.rule)
        })
        .collect()
}

fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no `{from}`");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn clean_staged_file_passes() {
    let cat = example_catalogue();
    assert_eq!(
        staged_run(cat.path(), "services/cloud-hosting.yaml"),
        Vec::<String>::new()
    );
}

#[test]
fn staged_copy_that_repeats_an_id_is_reported_on_the_unchanged_original() {
    let cat = example_catalogue();
    // `a-copy.yaml` sorts first, so the finding's primary place is the original.
    std::fs::copy(
        cat.path().join("services/cloud-hosting.yaml"),
        cat.path().join("services/a-copy.yaml"),
    )
    .unwrap();
    let found = staged_run(cat.path(), "services/a-copy.yaml");
    assert_eq!(found, ["unique-id cloud-hosting.yaml:4"], "{found:?}");
}

#[test]
fn staged_edit_that_closes_a_cycle_is_reported_on_the_smallest_member() {
    let cat = example_catalogue();
    // hr-self-service already depends on identity-and-access: the edit closes the cycle,
    // whose one finding lands on hr-self-service, the member with the smallest id.
    edit(
        cat.path(),
        "services/identity-and-access.yaml",
        "    - {service: cloud-hosting, kind: hard}",
        "    - {service: cloud-hosting, kind: hard}\n    - {service: hr-self-service, kind: hard}",
    );
    let found = staged_run(cat.path(), "services/identity-and-access.yaml");
    assert!(
        found.contains(&"dependency-cycle hr-self-service.yaml:51".to_owned()),
        "{found:?}"
    );
}

#[test]
fn staged_dependency_that_lowers_its_target_is_reported_on_its_dependent() {
    let cat = example_catalogue();
    edit(
        cat.path(),
        "services/identity-and-access.yaml",
        "target: 99.95",
        "target: 99.0",
    );
    let found = staged_run(cat.path(), "services/identity-and-access.yaml");
    assert_eq!(
        found,
        ["availability-exceeds-dependencies hr-self-service.yaml:34"],
        "{found:?}"
    );
}

#[test]
fn staged_team_whose_mailbox_is_an_owner_is_reported_on_the_service() {
    let cat = example_catalogue();
    edit(
        cat.path(),
        "teams/teams.yaml",
        "email: platform@example.org",
        "email: omar.haddad@example.org",
    );
    let found = staged_run(cat.path(), "teams/teams.yaml");
    assert_eq!(
        found,
        [
            "individual-owner cloud-hosting.yaml:14",
            "individual-owner database-platform.yaml:14"
        ],
        "{found:?}"
    );
}
