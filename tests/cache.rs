//! The on-disk cache never changes a result. Random edit sequences on a copy of the example
//! catalogue, after each step: the cached run (bringing the snapshot up to date) and the run
//! after it (replaying it) give byte-identical reports to an uncached check, whole or
//! focused on one file as pre-commit runs, with or without a rule level given. Processes
//! side by side on one cache never corrupt it; the flags and variables that place or turn
//! off the cache do so. (A damaged, foreign or unwritable cache: `src/workspace/cached_tests.rs`.)

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use catalint::engine::{self, CheckOptions, ConfigChoice, Outcome};
use catalint::report::{self, Format};
use common::copy_dir;
use common::steps::{self, Rng, Shape, originals_of, yaml_files};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/catalogue")
}

/// The JSON and SARIF reports, byte for byte, and the summary.
fn reports(outcome: &Outcome) -> String {
    let rules = catalint::rules::rulebook(&outcome.policy);
    let report = outcome.report(&rules);
    let mut out = Vec::new();
    for format in [Format::Json, Format::Sarif] {
        report::machine(format)
            .unwrap()
            .report(&report, &mut out)
            .unwrap();
    }
    out.extend(format!("{:?} failed={}", outcome.summary, outcome.failed()).bytes());
    String::from_utf8(out).unwrap()
}

/// The messages of two reports, where they differ.
fn differ(got: &str, expected: &str) -> String {
    let messages = |s: &str| -> Vec<String> {
        s.lines()
            .filter(|l| l.contains("\"message\":") || l.starts_with("Summary"))
            .map(str::to_owned)
            .collect()
    };
    format!(
        "got:\n{}\nexpected:\n{}",
        messages(got).join("\n"),
        messages(expected).join("\n")
    )
}

#[test]
fn cached_and_uncached_runs_give_byte_identical_reports_over_random_edits() {
    let originals = originals_of(&fixture());
    let mut rng = Rng(0x5eed_cafe_f00d_0024);
    let (mut steps, mut with_findings, mut focused) = (0, 0, 0);
    for sequence in 0..16 {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("catalogue");
        let cache = tmp.path().join("cache");
        copy_dir(&fixture(), &dir);
        let config = dir.join("catalint.yaml");
        std::fs::write(&config, "include: [\"**/*.yaml\"]\n").unwrap();
        let mut log: Vec<String> = Vec::new();
        for step in 0..10 {
            let (path, text) = steps::edit(&mut rng, Shape::Catalogue, &dir, &originals);
            match text {
                None if yaml_files(&dir).len() > 1 => std::fs::remove_file(&path).unwrap(),
                None => {}
                Some(text) => {
                    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                    std::fs::write(&path, text).unwrap();
                }
            }
            // Whole, focused on one file through the config (pre-commit), or with a level.
            let files = yaml_files(&dir);
            let opts = match rng.below(3) {
                0 => CheckOptions {
                    paths: vec![dir.clone()],
                    config: ConfigChoice::None,
                    ..CheckOptions::default()
                },
                1 => {
                    focused += 1;
                    CheckOptions {
                        paths: vec![rng.pick(&files).clone()],
                        config: ConfigChoice::File(config.clone()),
                        ..CheckOptions::default()
                    }
                }
                _ => CheckOptions {
                    paths: vec![dir.clone()],
                    config: ConfigChoice::None,
                    rule_levels: vec![("unique-id".into(), catalint::policy::Level::Warning)],
                    ..CheckOptions::default()
                },
            };
            let expected = reports(&engine::check(&opts).unwrap());
            let cached = reports(&engine::check_cached(&opts, Some(&cache)).unwrap());
            log.push(format!(
                "step {step}: {path:?}, {:?} {:?}",
                opts.paths, opts.rule_levels
            ));
            let at = format!("sequence {sequence}: {}", log.join("\n"));
            assert!(cached == expected, "{at}\n{}", differ(&cached, &expected));
            let replayed = reports(&engine::check_cached(&opts, Some(&cache)).unwrap());
            assert!(
                replayed == expected,
                "{at}, replayed\n{}",
                differ(&replayed, &expected)
            );
            steps += 1;
            with_findings += usize::from(expected.contains("\"severity\""));
        }
    }
    assert!(
        steps >= 150 && focused >= 30,
        "{steps} steps, {focused} focused"
    );
    assert!(
        with_findings * 2 >= steps,
        "{with_findings} of {steps} had findings"
    );
}

fn catalint(cwd: &Path, args: &[&str], envs: &[(&str, &Path)]) -> (i32, String) {
    let mut c = Command::cargo_bin("catalint").unwrap();
    c.current_dir(cwd)
        .env_remove("CATALINT_CACHE_DIR")
        .env_remove("CATALINT_NO_CACHE")
        .env_remove("XDG_CACHE_HOME")
        .env("NO_COLOR", "1")
        .args(args)
        .timeout(std::time::Duration::from_secs(120));
    for (k, v) in envs {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn runs_side_by_side_never_corrupt_the_cache() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("catalogue");
    let cache = tmp.path().join("cache");
    copy_dir(&fixture(), &dir);
    let cache_arg = cache.to_str().unwrap();
    let args = [
        "check",
        "--no-config",
        "--cache-dir",
        cache_arg,
        "--width",
        "100",
        ".",
    ];
    let edited = dir.join("services/cloud-hosting.yaml");
    let original = std::fs::read_to_string(&edited).unwrap();
    for round in 0..4 {
        // Every other round a reference breaks, so the processes write different states.
        let text = match round % 2 {
            0 => original.clone(),
            _ => original.replacen("team: ", "team: x", 1),
        };
        std::fs::write(&edited, text).unwrap();
        let expected = catalint(
            &dir,
            &["check", "--no-config", "--no-cache", "--width", "100", "."],
            &[],
        );
        let children: Vec<_> = (0..6)
            .map(|_| {
                std::process::Command::new(assert_cmd::cargo::cargo_bin("catalint"))
                    .current_dir(&dir)
                    .env("NO_COLOR", "1")
                    .args(args)
                    .stdout(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            let got = (
                out.status.code().unwrap_or(-1),
                String::from_utf8(out.stdout).unwrap(),
            );
            assert_eq!(got, expected, "round {round}");
        }
        // No temporary file is left, and the snapshot left is whole: the next run uses it
        // and agrees.
        let names = entries(&cache);
        assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
        assert_eq!(
            names.iter().filter(|n| n.ends_with(".bin")).count(),
            1,
            "{names:?}"
        );
        assert_eq!(catalint(&dir, &args, &[]), expected, "round {round}, after");
    }
}

#[test]
fn the_cache_goes_where_the_flags_and_variables_say() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("catalogue");
    copy_dir(&fixture(), &dir);
    let home = tmp.path().join("home");
    let xdg = tmp.path().join("xdg");
    let env_dir = tmp.path().join("env-dir");
    let flag_dir = tmp.path().join("flag-dir");
    let check = ["check", "--no-config", "."];
    let expected = catalint(
        &dir,
        &["check", "--no-config", "--no-cache", "."],
        &[("HOME", &home)],
    );
    // Default: the XDG cache folder, else ~/.cache/catalint, tagged for backup tools.
    assert_eq!(catalint(&dir, &check, &[("HOME", &home)]), expected);
    assert!(entries(&home.join(".cache/catalint")).contains(&"CACHEDIR.TAG".to_string()));
    assert_eq!(
        catalint(&dir, &check, &[("HOME", &home), ("XDG_CACHE_HOME", &xdg)]),
        expected
    );
    assert!(
        entries(&xdg.join("catalint"))
            .iter()
            .any(|n| n.ends_with(".bin"))
    );
    // The variable beats the default; the flag beats the variable.
    let envs = [
        ("HOME", home.as_path()),
        ("CATALINT_CACHE_DIR", env_dir.as_path()),
    ];
    assert_eq!(catalint(&dir, &check, &envs), expected);
    assert!(entries(&env_dir).iter().any(|n| n.ends_with(".bin")));
    let flagged = [
        "check",
        "--no-config",
        "--cache-dir",
        flag_dir.to_str().unwrap(),
        ".",
    ];
    assert_eq!(catalint(&dir, &flagged, &envs), expected);
    assert!(entries(&flag_dir).iter().any(|n| n.ends_with(".bin")));
    // Off: neither read nor written.
    let off_home = tmp.path().join("off-home");
    let off = ["check", "--no-config", "--no-cache", "."];
    assert_eq!(catalint(&dir, &off, &[("HOME", &off_home)]), expected);
    let no = Path::new("1");
    assert_eq!(
        catalint(
            &dir,
            &check,
            &[("HOME", &off_home), ("CATALINT_NO_CACHE", no)]
        ),
        expected
    );
    assert!(!off_home.exists(), "nothing written with the cache off");
    // Unwritable (the folder would be under a file): the check runs as without a cache.
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let under_file = file.join("cache");
    let blocked = [
        "check",
        "--no-config",
        "--cache-dir",
        under_file.to_str().unwrap(),
        ".",
    ];
    assert_eq!(catalint(&dir, &blocked, &[]), expected);
}

/// A built-in profile has no file whose contents the key could hold: the choice of it is in
/// the key, so a run under the default policy never replays a `--policy backstage` run.
#[test]
fn a_profile_named_on_the_command_line_is_part_of_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cache_arg = cache.to_str().unwrap();
    for policy in [
        &["--policy", "backstage"][..],
        &[],
        &["--policy", "backstage"],
    ] {
        let mut args = vec!["check", "--no-config", "--format", "json"];
        args.extend_from_slice(policy);
        args.push("fixtures/backstage/catalogue");
        let mut uncached = args.clone();
        uncached.push("--no-cache");
        let expected = catalint(root, &uncached, &[]);
        args.extend(["--cache-dir", cache_arg]);
        assert_eq!(catalint(root, &args, &[]), expected, "{policy:?}");
    }
}

/// Sets a file's modification time, as `touch -d` does (its change time becomes now).
fn set_mtime(path: &Path, t: std::time::SystemTime) {
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(t).unwrap();
}

#[test]
fn the_stat_fast_path_never_hides_a_change() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("catalogue");
    let cache = tmp.path().join("cache");
    copy_dir(&fixture(), &dir);
    // Files older than the run by far: their metadata is trusted, they are not read.
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for f in yaml_files(&dir) {
        set_mtime(&f, old);
    }
    let opts = CheckOptions {
        paths: vec![dir.clone()],
        config: ConfigChoice::None,
        ..CheckOptions::default()
    };
    let run = |what: &str| {
        let expected = reports(&engine::check(&opts).unwrap());
        for pass in ["cached", "replayed"] {
            let got = reports(&engine::check_cached(&opts, Some(&cache)).unwrap());
            assert!(
                got == expected,
                "{what}, {pass}\n{}",
                differ(&got, &expected)
            );
        }
        expected
    };
    let clean = run("first");
    let edited = dir.join("services/cloud-hosting.yaml");
    let original = std::fs::read_to_string(&edited).unwrap();

    // Touched, the text unchanged: read, found equal, the same report.
    set_mtime(&edited, std::time::SystemTime::now());
    assert_eq!(run("touched"), clean);

    // Replaced by a text of the same size, its modification time forced back to what the
    // snapshot recorded (`touch -d`): the change time and inode still tell.
    let same_size = original.replacen("team: ", "team:x", 1);
    assert_eq!(same_size.len(), original.len());
    let recorded = std::fs::metadata(&edited).unwrap().modified().unwrap();
    let replacement = dir.join("replacement.tmp");
    std::fs::write(&replacement, &same_size).unwrap();
    std::fs::rename(&replacement, &edited).unwrap();
    set_mtime(&edited, recorded);
    let broken = run("replaced, same size and mtime");
    assert_ne!(broken, clean);

    // Written again within the same tick as the run that recorded it, same size, the same
    // modification time: racily clean, so read again rather than trusted.
    std::fs::write(&edited, &original).unwrap();
    let t = std::fs::metadata(&edited).unwrap().modified().unwrap();
    assert_eq!(run("restored"), clean);
    std::fs::write(&edited, &same_size).unwrap();
    set_mtime(&edited, t);
    assert_eq!(run("rewritten in the same tick"), broken);

    // And back, forced to the old time of every other file.
    std::fs::write(&edited, &original).unwrap();
    set_mtime(&edited, old);
    assert_eq!(run("back to the original, old mtime"), clean);
}

/// The one way a team file changes `individual-owner` elsewhere: its mailboxes. A service
/// owned by the mailbox of a team that nothing names by id is reported; once that team's file
/// is gone or broken, a cached run must stop reporting it, though no service file changed and
/// no id the service names went away.
#[test]
fn a_team_file_gone_or_broken_redoes_the_owners_it_made_teams() {
    for gone in [true, false] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("catalogue");
        let cache = tmp.path().join("cache");
        copy_dir(&fixture(), &dir);
        std::fs::write(dir.join("catalint.yaml"), "include: [\"**/*.yaml\"]\n").unwrap();
        let service = dir.join("services/cloud-hosting.yaml");
        let text = std::fs::read_to_string(&service).unwrap().replacen(
            "serviceOwner: omar.haddad@example.org",
            "serviceOwner: audit@example.org",
            1,
        );
        std::fs::write(&service, text).unwrap();
        let teams = dir.join("teams/audit.yaml");
        let team = "apiVersion: catalogue/v1\nkind: Team\nmetadata:\n  id: audit\n  name: Audit\n\
                    spec:\n  email: audit@example.org\n  manager: priya.shah@example.org\n";
        std::fs::write(&teams, team).unwrap();
        let opts = CheckOptions {
            paths: vec![dir.clone()],
            config: ConfigChoice::None,
            ..CheckOptions::default()
        };
        let before = reports(&engine::check_cached(&opts, Some(&cache)).unwrap());
        assert!(
            before.contains("\"rule\": \"individual-owner\""),
            "{before}"
        );
        if gone {
            std::fs::remove_file(&teams).unwrap();
        } else {
            std::fs::write(&teams, "- : [\n").unwrap();
        }
        let expected = reports(&engine::check(&opts).unwrap());
        assert!(
            !expected.contains("\"rule\": \"individual-owner\""),
            "{expected}"
        );
        let cached = reports(&engine::check_cached(&opts, Some(&cache)).unwrap());
        assert!(
            cached == expected,
            "gone={gone}\n{}",
            differ(&cached, &expected)
        );
    }
}
