//! The GitHub Action's scripts (action/install.sh, action/run.sh) against a local folder laid
//! out like a GitHub release (`<base>/download/v<version>/<asset>` and SHA256SUMS): the asset
//! for the runner's OS and architecture is picked, a checksum mismatch is refused with a
//! clear message and nothing installed, and findings come out as workflow annotations.
#![cfg(unix)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::python::{root, text};

const VERSION: &str = "0.1.0";
const LINUX_X64: &str = "catalint-x86_64-unknown-linux-musl.tar.gz";
const LINUX_ARM64: &str = "catalint-aarch64-unknown-linux-musl.tar.gz";

/// A release folder: the real binary as the Linux x86_64 asset, stand-ins that name their
/// target for the others (so a wrong pick shows), and SHA256SUMS over them all.
struct Release {
    _dir: tempfile::TempDir,
    base: PathBuf,
}

impl Release {
    fn new() -> Release {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("releases");
        let assets = base.join(format!("download/v{VERSION}"));
        fs::create_dir_all(&assets).unwrap();
        let real = fs::read(env!("CARGO_BIN_EXE_catalint")).unwrap();
        pack(&assets, "x86_64-unknown-linux-musl", &real);
        for target in [
            "aarch64-unknown-linux-musl",
            "x86_64-apple-darwin",
            "aarch64-apple-darwin",
        ] {
            let stand_in = format!("#!/bin/sh\necho \"catalint stand-in for {target}\"\n");
            pack(&assets, target, stand_in.as_bytes());
        }
        let sums = Command::new("sh")
            .current_dir(&assets)
            .args(["-c", "sha256sum -- *.tar.gz"])
            .output()
            .unwrap();
        assert!(sums.status.success(), "sha256sum: {}", text(&sums));
        fs::write(assets.join("SHA256SUMS"), &sums.stdout).unwrap();
        Release { _dir: dir, base }
    }

    fn assets(&self) -> PathBuf {
        self.base.join(format!("download/v{VERSION}"))
    }

    /// Runs install.sh as the action does on a runner of `os`/`arch`.
    fn install(&self, os: &str, arch: &str, version: &str) -> Installed {
        let work = tempfile::tempdir().unwrap();
        let github_path = work.path().join("github_path");
        let github_output = work.path().join("github_output");
        fs::write(&github_path, "").unwrap();
        fs::write(&github_output, "").unwrap();
        let out = Command::new("bash")
            .arg(root().join("action/install.sh"))
            .env("CATALINT_VERSION", version)
            .env(
                "CATALINT_BASE_URL",
                format!("file://{}", self.base.display()),
            )
            .env("RUNNER_OS", os)
            .env("RUNNER_ARCH", arch)
            .env("RUNNER_TEMP", work.path())
            .env("GITHUB_PATH", &github_path)
            .env("GITHUB_OUTPUT", &github_output)
            .output()
            .unwrap();
        let path = fs::read_to_string(&github_path).unwrap();
        let outputs = fs::read_to_string(&github_output).unwrap();
        Installed {
            _work: work,
            out,
            path: path.lines().next().map(PathBuf::from),
            outputs,
        }
    }
}

struct Installed {
    _work: tempfile::TempDir,
    out: Output,
    /// The folder install.sh added to PATH, if any.
    path: Option<PathBuf>,
    outputs: String,
}

/// `catalint-<target>.tar.gz` holding `catalint-<target>/catalint`, as the release packs it.
fn pack(assets: &Path, target: &str, exe: &[u8]) {
    use std::os::unix::fs::PermissionsExt;
    let stage = assets.join(format!("stage-{target}"));
    let folder = stage.join(format!("catalint-{target}"));
    fs::create_dir_all(&folder).unwrap();
    fs::write(folder.join("catalint"), exe).unwrap();
    fs::set_permissions(folder.join("catalint"), fs::Permissions::from_mode(0o755)).unwrap();
    let out = Command::new("tar")
        .current_dir(&stage)
        .arg("-czf")
        .arg(assets.join(format!("catalint-{target}.tar.gz")))
        .arg(format!("catalint-{target}"))
        .output()
        .unwrap();
    assert!(out.status.success(), "tar: {}", text(&out));
    fs::remove_dir_all(&stage).unwrap();
}

fn has_tools() -> bool {
    for tool in ["curl", "tar", "sha256sum"] {
        if Command::new(tool).arg("--version").output().is_err() {
            common::cannot_check(
                &format!("the action's scripts were not run: {tool} is not installed"),
                "it is on every GitHub runner; apt-get install curl tar coreutils",
            );
            return false;
        }
    }
    true
}

#[test]
fn installs_the_linux_x86_64_asset_and_puts_it_on_path() {
    if !has_tools() {
        return;
    }
    let release = Release::new();
    for version in [VERSION, "v0.1.0"] {
        let got = release.install("Linux", "X64", version);
        assert!(got.out.status.success(), "{}", text(&got.out));
        let stdout = String::from_utf8_lossy(&got.out.stdout);
        assert!(
            stdout.contains(&format!("downloading {LINUX_X64}")),
            "{stdout}"
        );
        assert!(stdout.contains("SHA-256 verified"), "{stdout}");
        let dir = got
            .path
            .expect("install.sh appends the binary's folder to GITHUB_PATH");
        let ran = Command::new(dir.join("catalint"))
            .arg("--version")
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&ran.stdout).trim(),
            format!("catalint {}", env!("CARGO_PKG_VERSION")),
            "the real binary, not a stand-in"
        );
        assert!(
            got.outputs.contains(&format!("path={}\n", dir.display())),
            "{}",
            got.outputs
        );
        assert!(
            got.outputs
                .contains(&format!("version={}\n", env!("CARGO_PKG_VERSION"))),
            "{}",
            got.outputs
        );
    }
}

#[test]
fn picks_the_asset_of_each_os_and_architecture() {
    if !has_tools() {
        return;
    }
    let release = Release::new();
    for (os, arch, target) in [
        ("Linux", "ARM64", "aarch64-unknown-linux-musl"),
        ("macOS", "X64", "x86_64-apple-darwin"),
        ("macOS", "ARM64", "aarch64-apple-darwin"),
    ] {
        let got = release.install(os, arch, VERSION);
        assert!(got.out.status.success(), "{os} {arch}: {}", text(&got.out));
        assert!(
            String::from_utf8_lossy(&got.out.stdout)
                .contains(&format!("installed catalint stand-in for {target}")),
            "{os} {arch}: {}",
            text(&got.out)
        );
    }
    // No release binary: said plainly, with what to use instead.
    let got = release.install("Windows", "ARM64", VERSION);
    assert!(!got.out.status.success());
    assert!(
        text(&got.out).contains(
            "no catalint release binary for windows on aarch64; use 'pip install catalint'"
        ),
        "{}",
        text(&got.out)
    );
    assert!(got.path.is_none());
}

#[test]
fn a_checksum_mismatch_is_refused_and_nothing_is_installed() {
    if !has_tools() {
        return;
    }
    let release = Release::new();
    // The asset changed after SHA256SUMS was written (a corrupt or substituted download).
    let asset = release.assets().join(LINUX_X64);
    let mut bytes = fs::read(&asset).unwrap();
    bytes.extend_from_slice(b"tampered");
    fs::write(&asset, bytes).unwrap();

    let got = release.install("Linux", "X64", VERSION);
    assert_eq!(got.out.status.code(), Some(1), "{}", text(&got.out));
    let stdout = String::from_utf8_lossy(&got.out.stdout);
    let stderr = String::from_utf8_lossy(&got.out.stderr);
    assert!(
        stdout.contains(&format!(
            "::error title=catalint install::checksum mismatch for {LINUX_X64}: SHA256SUMS says "
        )),
        "an annotation on the run: {stdout}"
    );
    assert!(
        stderr.contains("the file is corrupt or not the released one, so it is not installed"),
        "{stderr}"
    );
    assert!(got.path.is_none(), "nothing may be put on PATH");
    assert!(!stdout.contains("catalint: installed"), "{stdout}");

    // An asset that SHA256SUMS does not list is refused too.
    let sums = fs::read_to_string(release.assets().join("SHA256SUMS")).unwrap();
    let without: String = sums
        .lines()
        .filter(|l| !l.contains(LINUX_ARM64))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(release.assets().join("SHA256SUMS"), without).unwrap();
    let got = release.install("Linux", "ARM64", VERSION);
    assert_eq!(got.out.status.code(), Some(1));
    assert!(
        text(&got.out).contains(&format!(
            "SHA256SUMS of the release has no line for {LINUX_ARM64}"
        )),
        "{}",
        text(&got.out)
    );
}

#[test]
fn a_version_that_is_not_released_says_so() {
    if !has_tools() {
        return;
    }
    let release = Release::new();
    let got = release.install("Linux", "X64", "9.9.9");
    assert_eq!(got.out.status.code(), Some(1));
    assert!(
        text(&got.out).contains("could not download")
            && text(&got.out).contains("is version '9.9.9' released"),
        "{}",
        text(&got.out)
    );
    let got = release.install("Linux", "X64", "main");
    assert!(
        text(&got.out).contains("'main' is not a catalint version"),
        "{}",
        text(&got.out)
    );
}

/// run.sh with the installed binary: annotations for each finding, the step fails at the
/// chosen severity, and SARIF is written when asked.
#[test]
fn findings_are_printed_as_annotations_and_sarif_is_written() {
    if !has_tools() {
        return;
    }
    let release = Release::new();
    let got = release.install("Linux", "X64", VERSION);
    assert!(got.out.status.success(), "{}", text(&got.out));
    let bin = got.path.unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let sarif_dir = tempfile::tempdir().unwrap();
    let sarif = sarif_dir.path().join("catalint.sarif");
    let run = |paths: &str, fail_on: &str, sarif_on: bool| {
        Command::new("bash")
            .current_dir(root())
            .arg(root().join("action/run.sh"))
            .env("PATH", &path)
            .env("CATALINT_PATHS", paths)
            .env("CATALINT_FAIL_ON", fail_on)
            .env("CATALINT_SARIF", if sarif_on { "true" } else { "false" })
            .env("CATALINT_SARIF_FILE", &sarif)
            .output()
            .unwrap()
    };

    let out = run("fixtures/rules/single-category/fail", "error", true);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "errors fail the step: {}",
        text(&out)
    );
    let annotations: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("::error file="))
        .collect();
    assert!(!annotations.is_empty(), "{stdout}");
    assert!(
        annotations.iter().any(|a| a.starts_with(
            "::error file=fixtures/rules/single-category/fail/two.yaml,line=7,col=13,"
        ) && a.contains("title=catalint single-category")),
        "{stdout}"
    );
    let doc: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    assert_eq!(
        doc["runs"][0]["results"].as_array().unwrap().len(),
        annotations.len(),
        "SARIF holds the same findings"
    );

    // Warnings only: annotated, and the step passes unless fail-on is warning.
    let out = run("fixtures/rules/agreement-type/fail", "error", false);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("::warning file="),
        "{}",
        text(&out)
    );
    let out = run("fixtures/rules/agreement-type/fail", "warning", false);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));

    let out = run("fixtures/catalogue", "error", false);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("::error"),
        "{}",
        text(&out)
    );

    // The site, built beside the check when asked.
    let site = sarif_dir.path().join("site");
    let out = Command::new("bash")
        .current_dir(root())
        .arg(root().join("action/run.sh"))
        .env("PATH", &path)
        .env("CATALINT_PATHS", "fixtures/rules/single-category/fail")
        .env("CATALINT_SITE", &site)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(site.join("index.html").exists() && site.join("findings.html").exists());

    // A config named in `args` decides the site too (here its `repository` links), and
    // `site-args` reach `catalint site` only.
    let work = tempfile::tempdir().unwrap();
    common::copy_dir(
        &root().join("fixtures/catalogue"),
        &work.path().join("catalogue"),
    );
    fs::write(
        work.path().join("ci.yaml"),
        "repository: https://git.example.test/acme/catalogue/blob/main\n",
    )
    .unwrap();
    let out = Command::new("bash")
        .current_dir(work.path())
        .arg(root().join("action/run.sh"))
        .env("PATH", &path)
        .env("CATALINT_PATHS", "catalogue")
        .env(
            "CATALINT_ARGS",
            "--config ci.yaml --rule single-category=error",
        )
        .env("CATALINT_SITE", "site")
        .env("CATALINT_SITE_ARGS", "--title Acme")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let index = fs::read_to_string(work.path().join("site/index.html")).unwrap();
    assert!(
        index.contains("<title>Catalogue · Acme</title>"),
        "site-args set the site's title"
    );
    let team = fs::read_dir(work.path().join("site"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .flat_map(|d| fs::read_dir(d.path()).unwrap().flatten())
        .map(|e| fs::read_to_string(e.path()).unwrap_or_default())
        .any(|page| page.contains("https://git.example.test/acme/catalogue/blob/main/catalogue/"));
    assert!(team, "an entity page links into the config's repository");

    let out = run("fixtures/catalogue", "sometimes", false);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("fail-on must be error, warning or never"),
        "{}",
        text(&out)
    );
}

/// action.yml passes its inputs to the scripts the tests above run.
#[test]
fn action_yml_wires_its_inputs_to_the_scripts() {
    let action = fs::read_to_string(root().join("action.yml")).unwrap();
    for needle in [
        "using: composite",
        "run: bash \"$GITHUB_ACTION_PATH/action/install.sh\"",
        "run: bash \"$GITHUB_ACTION_PATH/action/run.sh\"",
        "run: bash \"$GITHUB_ACTION_PATH/action/diff.sh\"",
        "CATALINT_DIFF: ${{ inputs.diff }}",
        "CATALINT_DIFF_FAIL_ON: ${{ inputs.diff-fail-on }}",
        "CATALINT_BASE_URL: ${{ inputs.base-url }}",
        "CATALINT_PATHS: ${{ inputs.paths }}",
        "CATALINT_FAIL_ON: ${{ inputs.fail-on }}",
        "CATALINT_SARIF: ${{ inputs.sarif }}",
        "CATALINT_SITE: ${{ inputs.site }}",
        "CATALINT_SITE_ARGS: ${{ inputs.site-args }}",
        "uses: github/codeql-action/upload-sarif@",
    ] {
        assert!(action.contains(needle), "action.yml lacks `{needle}`");
    }
    for input in [
        "paths",
        "version",
        "fail-on",
        "sarif",
        "base-url",
        "diff",
        "diff-fail-on",
    ] {
        assert!(
            action.contains(&format!("\n  {input}:\n")),
            "input `{input}`"
        );
    }
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "T")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "T")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", text(&out));
}

/// diff.sh as a pull request runs it: a clone of one commit (actions/checkout's default
/// depth) of the pull request's branch, without its base; the script fetches one commit of
/// the base and writes the Markdown report to the step summary.
#[test]
fn the_diff_step_fetches_the_base_and_writes_the_step_summary() {
    let dir = tempfile::tempdir().unwrap();
    let origin = dir.path().join("origin");
    fs::create_dir_all(origin.join("catalogue")).unwrap();
    let fixture = root().join("fixtures/catalogue/services/cloud-hosting.yaml");
    let service = fs::read_to_string(&fixture).unwrap();
    fs::write(origin.join("catalogue/cloud.yaml"), &service).unwrap();
    git(&origin, &["init", "-q", "-b", "main"]);
    git(&origin, &["add", "-A"]);
    git(&origin, &["commit", "-q", "-m", "base"]);
    git(&origin, &["checkout", "-q", "-b", "feature"]);
    fs::write(
        origin.join("catalogue/cloud.yaml"),
        service.replace("rto: 1h", "rto: 8h"),
    )
    .unwrap();
    git(&origin, &["commit", "-q", "-am", "slower recovery"]);
    let url = format!("file://{}", origin.display());
    git(
        dir.path(),
        &[
            "clone", "-q", "--depth", "1", "--branch", "feature", &url, "pr",
        ],
    );
    let pr = dir.path().join("pr");
    let summary = dir.path().join("summary.md");
    let bin = Path::new(env!("CARGO_BIN_EXE_catalint"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = |base_ref: &str, fail_on: &str| {
        Command::new("bash")
            .current_dir(&pr)
            .arg(root().join("action/diff.sh"))
            .env("PATH", &path)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("CATALINT_DIFF", "true")
            .env("CATALINT_DIFF_FAIL_ON", fail_on)
            .env("GITHUB_BASE_REF", base_ref)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .output()
            .unwrap()
    };
    let out = run("main", "weakened");
    assert_eq!(
        out.status.code(),
        Some(1),
        "a weakened promise fails: {}",
        text(&out)
    );
    let md = fs::read_to_string(&summary).unwrap();
    assert!(md.starts_with("## catalint diff: origin/main ("), "{md}");
    assert!(
        md.contains("recovery-slower") && md.contains("| 1h | 8h |"),
        "{md}"
    );
    let out = run("main", "never");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // A base that cannot be fetched: catalint says what to fetch, and nothing is summarised.
    fs::remove_file(&summary).unwrap();
    let out = run("gone", "never");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("git fetch --depth=1 origin gone"),
        "{}",
        text(&out)
    );
    assert!(!summary.exists());
}
