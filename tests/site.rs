//! `catalint site`: text from YAML escaped (a `<script>` description is shown, not run), a
//! folder with other files refused unless `--force`, `check`'s exit code, the single-file
//! site self-contained; and, in a real browser (Debian's chromium driven by puppeteer-core
//! from `tests/browser/`), the golden example and a generated 10,000-service catalogue.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn site(dir: &Path, args: &[&str]) -> (i32, String, String) {
    common::run(dir, args)
}

const HOSTILE: &str = "apiVersion: catalogue/v1\nkind: Team\nmetadata:\n  id: t\n  name: \"<img src=x onerror=alert(1)>\"\n  description: \"<script>document.title='pwned'</script> & more\"\n  links: {docs: \"javascript:alert(1)\"}\nspec: {email: t@example.org}\n";

#[test]
fn yaml_text_is_escaped_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("cat")).unwrap();
    std::fs::write(dir.path().join("cat/t.yaml"), HOSTILE).unwrap();
    // The `javascript:` link is a schema finding: the site is built all the same.
    let (code, out, err) = site(dir.path(), &["site", "cat", "--no-config", "--out", "out"]);
    assert_eq!(code, 1, "{out}{err}");
    for page in ["index.html", "team/t.html", "map.html"] {
        let html = std::fs::read_to_string(dir.path().join("out").join(page)).unwrap();
        assert!(
            !html.contains("<script>document"),
            "{page} runs the description"
        );
        assert!(
            !html.contains("<img src=x"),
            "{page} holds the name as markup"
        );
        assert!(
            !html.contains("href=\"javascript:"),
            "{page} links a javascript: URL"
        );
    }
    let page = std::fs::read_to_string(dir.path().join("out/team/t.html")).unwrap();
    assert!(
        page.contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt; &amp; more")
    );
    // The index's data: a JSON string that cannot close its script element.
    let index = std::fs::read_to_string(dir.path().join("out/index.html")).unwrap();
    assert!(index.contains("\\u003cimg src=x onerror=alert(1)\\u003e"));
    let (_, _, _) = site(
        dir.path(),
        &["site", "cat", "--no-config", "--single-file", "one.html"],
    );
    let one = std::fs::read_to_string(dir.path().join("one.html")).unwrap();
    assert!(!one.contains("<script>document") && !one.contains("<img src=x"));
}

#[test]
fn a_folder_with_other_files_is_refused_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let cat = root().join("fixtures/catalogue");
    let cat = cat.to_str().unwrap();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    std::fs::write(dir.path().join("out/README.md"), "mine").unwrap();
    let (code, _, err) = site(dir.path(), &["site", cat, "--no-config", "--out", "out"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("out holds files that catalint did not write (README.md)"),
        "{err}"
    );
    assert!(err.contains("--force"), "{err}");
    assert!(!dir.path().join("out/index.html").exists());
    let (code, _, err) = site(
        dir.path(),
        &["site", cat, "--no-config", "--out", "out", "--force"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        dir.path().join("out/README.md").exists() && dir.path().join("out/index.html").exists()
    );
    // A site is rebuilt in place without --force.
    std::fs::remove_file(dir.path().join("out/README.md")).unwrap();
    let (code, out, err) = site(dir.path(), &["site", cat, "--no-config", "--out", "out"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("site of 16 entities written to out (21 files)"),
        "{out}"
    );
}

#[test]
fn findings_still_build_a_site_and_keep_checks_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let cat = root().join("fixtures/rules/dependency-cycle/fail");
    let cat = cat.to_str().unwrap();
    let (code, out, _) = site(dir.path(), &["site", cat, "--no-config", "--out", "a"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("problems (2 errors"), "{out}");
    let findings = std::fs::read_to_string(dir.path().join("a/findings.html")).unwrap();
    assert!(findings.contains("dependency-cycle") && findings.contains("class=\"snippet\""));
    let map = std::fs::read_to_string(dir.path().join("a/map.html")).unwrap();
    assert!(
        map.contains("e hard cycle"),
        "the cycle's edges are marked on the map"
    );
    let (code, _, _) = site(
        dir.path(),
        &[
            "site",
            cat,
            "--no-config",
            "--out",
            "b",
            "--fail-on",
            "never",
        ],
    );
    assert_eq!(code, 0);
}

#[test]
fn the_single_file_site_needs_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let cat = root().join("fixtures/catalogue");
    let (code, _, err) = site(
        dir.path(),
        &[
            "site",
            cat.to_str().unwrap(),
            "--no-config",
            "--single-file",
            "cat.html",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(dir.path().join("cat.html")).unwrap();
    assert!(
        !html.contains(" src=\"") && !html.contains("<link "),
        "no file or network reference"
    );
    assert!(
        html.contains("id=\"service/hr-self-service\"")
            && html.contains("href=\"#service/hr-self-service\"")
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "one file written"
    );
}

#[test]
fn the_repository_link_points_at_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let cat = dir.path().join("repo");
    copy_dir(&root().join("fixtures/catalogue"), &cat.join("catalogue"));
    std::fs::write(
        cat.join("catalint.yaml"),
        "repository: https://github.com/acme/catalogue/blob/main\n",
    )
    .unwrap();
    let (code, _, err) = site(&cat, &["site", "catalogue", "--out", "../out"]);
    assert_eq!(code, 0, "{err}");
    let page = std::fs::read_to_string(dir.path().join("out/service/cloud-hosting.html")).unwrap();
    assert!(
        page.contains("href=\"https://github.com/acme/catalogue/blob/main/catalogue/services/cloud-hosting.yaml#L1\""),
        "{page}"
    );
}

fn copy_dir(from: &Path, to: &Path) {
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

/// The catalogue generator (`examples/gen-catalogue.rs`): built next to this test by
/// `cargo test`, else built now.
fn generator() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile = exe.parent().and_then(Path::parent).unwrap().to_path_buf();
    let gen_path = profile
        .join("examples")
        .join(format!("gen-catalogue{}", std::env::consts::EXE_SUFFIX));
    if !gen_path.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "--example", "gen-catalogue"])
            .current_dir(root())
            .status()
            .unwrap();
        assert!(status.success());
    }
    gen_path
}

#[test]
fn in_a_real_browser() {
    let browser = root().join("tests/browser");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if Command::new("node").arg("--version").output().is_err() {
        common::cannot_check("the site in a browser", "install Node.js");
        return;
    }
    if !Path::new(&chromium).exists() {
        common::cannot_check(
            "the site in a browser",
            "install Debian's chromium: apt-get install chromium",
        );
        return;
    }
    if !browser.join("node_modules/puppeteer-core").exists() {
        common::cannot_check("the site in a browser", "run `npm ci` in tests/browser");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let golden = tmp.path().join("golden");
    let (code, _, err) = site(
        root(),
        &[
            "site",
            "fixtures/catalogue",
            "--no-config",
            "--out",
            golden.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let single = tmp.path().join("single.html");
    let (code, _, err) = site(
        root(),
        &[
            "site",
            "fixtures/catalogue",
            "--no-config",
            "--single-file",
            single.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let broken = tmp.path().join("broken");
    let (code, _, err) = site(
        root(),
        &[
            "site",
            "fixtures/rules/dependency-cycle/fail",
            "--no-config",
            "--out",
            broken.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1, "{err}");
    let cat = tmp.path().join("cat10k");
    let status = Command::new(generator())
        .args([
            "--services",
            "10000",
            "--products",
            "2000",
            "--seed",
            "3",
            "--out",
        ])
        .arg(&cat)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let big = tmp.path().join("big");
    let (code, _, err) = site(
        root(),
        &[
            "site",
            cat.to_str().unwrap(),
            "--no-config",
            "--out",
            big.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    // Screenshots for the README and the book: `CATALINT_SCREENSHOTS=docs/src/images` updates
    // theirs; by default they go beside the build, so a test run leaves the checkout as it was.
    let shots = std::env::var_os("CATALINT_SCREENSHOTS")
        .map(|p| root().join(p))
        .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots"));
    let out = assert_cmd::Command::new("node")
        .arg(browser.join("site.js"))
        .arg(&golden)
        .arg(&big)
        .arg(&shots)
        .arg(&single)
        .arg(&broken)
        .env("CHROMIUM", &chromium)
        .timeout(Duration::from_secs(300))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    // The measurements (time to interactive, sizes), for the docs.
    eprintln!("{stdout}");
    assert!(
        out.status.success(),
        "browser checks failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The map's width and height, from its `<svg class="graph" viewBox="0 0 W H"`.
fn map_size(html: &str) -> (f64, f64) {
    let at = html.find("class=\"graph\" viewBox=\"0 0 ").unwrap();
    let rest = &html[at + "class=\"graph\" viewBox=\"0 0 ".len()..];
    let mut it = rest.split(['"', ' ']).map(|v| v.parse::<f64>().unwrap());
    (it.next().unwrap(), it.next().unwrap())
}

#[test]
fn a_thousand_wide_fan_out_and_a_cycle_lay_out_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let cat = dir.path().join("cat");
    copy_dir(&root().join("fixtures/catalogue"), &cat);
    let template =
        std::fs::read_to_string(root().join("fixtures/catalogue/services/database-platform.yaml"))
            .unwrap();
    // A thousand services on one (cloud-hosting), and three in a hard cycle.
    for i in 0..1000 {
        let text = template.replace("id: database-platform", &format!("id: fan-{i}"));
        std::fs::write(cat.join(format!("services/fan-{i}.yaml")), text).unwrap();
    }
    for (me, next) in [
        ("ring-a", "ring-b"),
        ("ring-b", "ring-c"),
        ("ring-c", "ring-a"),
    ] {
        let text = template
            .replace("id: database-platform", &format!("id: {me}"))
            .replace("service: cloud-hosting", &format!("service: {next}"));
        std::fs::write(cat.join(format!("services/{me}.yaml")), text).unwrap();
    }
    let started = std::time::Instant::now();
    let (code, out, err) = site(dir.path(), &["site", "cat", "--no-config", "--out", "out"]);
    assert_eq!(code, 1, "the cycle is a finding: {out}{err}");
    assert!(
        out.contains("dependency-cycle") || out.contains("1 error"),
        "{out}"
    );
    // Generous: a debug build on a loaded machine; the point is that it ends.
    assert!(started.elapsed() < Duration::from_secs(120));
    let map = std::fs::read_to_string(dir.path().join("out/map.html")).unwrap();
    assert_eq!(map.matches("class=\"node ").count(), 16 + 1003);
    assert!(map.contains("e hard cycle"), "the cycle is drawn");
    let (w, h) = map_size(&map);
    assert!(w <= 12_000.0 && h <= 12_000.0, "the map is {w} x {h}");
    // The hub's own page lists its thousand dependents and leaves drawing them to the map.
    let hub = std::fs::read_to_string(dir.path().join("out/service/cloud-hosting.html")).unwrap();
    assert!(
        !hub.contains("class=\"graph\""),
        "no wall of boxes on the hub's page"
    );
    assert!(hub.contains("Too many neighbours to draw here"));
    assert!(hub.contains("href=\"../service/fan-999.html\""));
    assert!(
        hub.len() < 4 * 1024 * 1024,
        "the hub's page is {} bytes",
        hub.len()
    );
    // A service of the cycle draws it.
    let ring = std::fs::read_to_string(dir.path().join("out/service/ring-a.html")).unwrap();
    assert!(ring.contains("e hard cycle") && map_size(&ring).0 < 2_000.0);
}
