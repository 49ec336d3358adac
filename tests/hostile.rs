//! Hostile and broken input: each case gives a precise finding or a defined outcome, never
//! a panic, a hang or a silent pass.

use std::fs;

mod common;
use common::run;

/// `check --format short --no-config` on a folder holding `files`.
fn short(files: &[(&str, &[u8])]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        let p = dir.path().join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, bytes).unwrap();
    }
    let (code, out, err) = run(
        dir.path(),
        &["check", "--no-config", "--format", "short", "."],
    );
    (code, format!("{out}{err}"))
}

const TEAM: &str = "apiVersion: catalogue/v1\nkind: Team\nmetadata: {id: ops, name: Ops}\nspec:\n  email: ops@example.org\n";

#[test]
fn billion_laughs_is_refused_quickly() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..=30 {
        text.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); 10].join(", ")
        ));
    }
    let started = std::time::Instant::now();
    let (code, out) = short(&[("bomb.yaml", text.as_bytes())]);
    assert_eq!(code, 1);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("bomb.yaml:5:"), "{out}");
    assert!(
        out.contains("error[yaml-limit] aliases expand this document beyond 100000 values"),
        "{out}"
    );
    assert!(started.elapsed().as_secs() < 20);
}

#[test]
fn limits_are_configurable_and_each_is_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("catalint.yaml"),
        "limits: {depth: 3, documents: 2, fileSize: 4000, aliasNodes: 5}\n",
    )
    .unwrap();
    fs::write(dir.path().join("deep.yaml"), "a: {b: {c: {d: 1}}}\n").unwrap();
    let docs = format!(
        "{TEAM}---\n{}---\n{}",
        TEAM.replace("id: ops", "id: ops2"),
        TEAM.replace("id: ops", "id: ops3")
    );
    fs::write(dir.path().join("docs.yaml"), docs).unwrap();
    fs::write(
        dir.path().join("big.yaml"),
        format!("# {}\n{TEAM}", "x".repeat(5000)),
    )
    .unwrap();
    fs::write(
        dir.path().join("alias.yaml"),
        "a: &a [1, 2, 3]\nb: *a\nc: *a\n",
    )
    .unwrap();
    let (code, out, _) = run(dir.path(), &["check", "--format", "short", "."]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(
        lines[0].starts_with(
            "alias.yaml:3:4: error[yaml-limit] aliases expand this document beyond 5 values"
        ),
        "{out}"
    );
    assert!(
        lines[1].starts_with("big.yaml:1:1: error[yaml-limit] the file is 5"),
        "{out}"
    );
    assert!(
        lines[2].starts_with("deep.yaml:1:12: error[yaml-limit] nesting deeper than 3 levels"),
        "{out}"
    );
    assert!(
        lines[3]
            .starts_with("docs.yaml:12:1: error[yaml-limit] the file holds more than 2 documents"),
        "{out}"
    );
}

#[test]
fn wrong_encodings_and_binary_files() {
    let utf16: Vec<u8> = "\u{feff}a: b\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let utf16_nobom: Vec<u8> = "apiVersion: x\n"
        .encode_utf16()
        .flat_map(u16::to_be_bytes)
        .collect();
    let utf32: Vec<u8> = "apiVersion: x\n"
        .chars()
        .flat_map(|c| (c as u32).to_le_bytes())
        .collect();
    let (code, out) = short(&[
        ("a16.yaml", &utf16),
        ("b16.yaml", &utf16_nobom),
        ("c32.yaml", &utf32),
        ("d-nul.yaml", b"a: b\n\0\0\x01"),
        ("e-latin1.yaml", b"name: caf\xe9\n"),
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "a16.yaml:1:1: error[unreadable-file] the file is UTF-16 text; catalogue files are UTF-8\n\
         b16.yaml:1:1: error[unreadable-file] the file is UTF-16 text; catalogue files are UTF-8\n\
         c32.yaml:1:1: error[unreadable-file] the file is UTF-32 text; catalogue files are UTF-8\n\
         d-nul.yaml:2:1: error[unreadable-file] the file holds a NUL byte at offset 5: it is binary, not YAML text\n\
         e-latin1.yaml:1:10: error[unreadable-file] the file is not valid UTF-8: invalid byte at offset 9\n"
    );
}

#[test]
fn line_endings_bom_and_tabs_keep_positions_exact() {
    let broken = |id: &str| {
        TEAM.replace("ops@example.org", "not-an-email")
            .replace("id: ops", id)
    };
    let crlf = broken("id: crlf").replace('\n', "\r\n");
    let mixed = broken("id: mixed").replacen('\n', "\r", 2);
    let bom = format!("\u{feff}{}", broken("id: bom"));
    let tabs = "apiVersion: catalogue/v1\nkind: Team\nmetadata:\n\tid: ops\n";
    let (code, out) = short(&[
        ("crlf.yaml", crlf.as_bytes()),
        ("mixed.yaml", mixed.as_bytes()),
        ("bom.yaml", bom.as_bytes()),
        ("tabs.yaml", tabs.as_bytes()),
    ]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("bom.yaml:5:10: error[schema] `spec.email` must be an e-mail address"),
        "{out}"
    );
    assert!(
        lines[1].starts_with("crlf.yaml:5:10: error[schema]"),
        "{out}"
    );
    assert!(
        lines[2].starts_with("mixed.yaml:5:10: error[schema]"),
        "{out}"
    );
    assert!(
        lines[3].starts_with("tabs.yaml:4:2: error[yaml-syntax] invalid YAML: tabs disallowed"),
        "{out}"
    );
}

#[test]
fn a_line_of_several_megabytes() {
    let text = format!(
        "{}  description: {}\n",
        TEAM.replace("spec:\n", "metadata2: x\nspec:\n"),
        "y".repeat(4 << 20)
    );
    let (code, out) = short(&[("long.yaml", text.as_bytes())]);
    assert_eq!(code, 1);
    assert!(
        out.contains("long.yaml:4:1: error[schema] unknown field `metadata2` at the top level"),
        "{out}"
    );
}

#[test]
fn empty_comment_only_scalar_and_list_documents() {
    let (code, out) = short(&[
        ("a-empty.yaml", b""),
        ("b-comments.yaml", b"# nothing here\n# yet\n"),
        ("c-scalar.yaml", b"just a string\n"),
        ("d-list.yaml", b"- a\n- b\n"),
        ("e-docs.yaml", b"---\n---\n"),
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "a-empty.yaml:1:1: warning[empty-file] the file holds no catalogue entity\n\
         b-comments.yaml:1:1: warning[empty-file] the file holds no catalogue entity\n\
         c-scalar.yaml:1:1: error[schema] this document is a single value, not a catalogue entity\n\
         d-list.yaml:1:1: error[schema] this document is a list, not a catalogue entity\n\
         e-docs.yaml:1:1: warning[empty-file] the file holds no catalogue entity\n"
    );
}

#[test]
fn control_characters_never_reach_the_terminal() {
    let text = TEAM
        .replace("Ops}", "\"Ops\\e[2J\\e]0;pwned\\a\"}")
        .replace("spec:\n", "spec:\n  \"bad\\e[31m\": 1\n");
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("t.yaml"), text).unwrap();
    for format in ["human", "short", "github"] {
        let (code, out, _) = run(
            dir.path(),
            &[
                "check",
                "--no-config",
                "--color",
                "never",
                "--format",
                format,
                ".",
            ],
        );
        assert_eq!(code, 1);
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{7}'),
            "{format}: {out:?}"
        );
        assert!(out.contains("bad\\u{1b}[31m"), "{format}: {out}");
    }
}

#[cfg(unix)]
mod filesystem {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn symlink_loops_dangling_links_and_links_out_of_the_folder() {
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret.yaml"), "password: hunter2\n").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join("team.yaml"), TEAM).unwrap();
        fs::create_dir(root.join("sub")).unwrap();
        symlink("..", root.join("sub/loop")).unwrap();
        symlink("missing.yaml", root.join("dangling.yaml")).unwrap();
        symlink(outside.path().join("secret.yaml"), root.join("escape.yaml")).unwrap();
        symlink(outside.path(), root.join("outside-dir")).unwrap();
        symlink("team.yaml", root.join("alias.yaml")).unwrap();
        let (code, out, _) = run(root, &["check", "--no-config", "--format", "short", "."]);
        assert_eq!(code, 1);
        let lines: Vec<&str> = out.lines().collect();
        // A link to a file inside the folder is a file of the catalogue like any other.
        assert!(lines.iter().any(|l| l.starts_with("team.yaml:3:16: error[unique-id] id `ops` is already used")), "{out}");
        assert!(lines.iter().any(|l| l.starts_with("dangling.yaml:1:1: error[unreadable-file] cannot read the file: broken symbolic link")), "{out}");
        assert!(
            lines.iter().any(|l| l.starts_with(
                "escape.yaml:1:1: error[unreadable-file] cannot read the file: symbolic link to"
            )),
            "{out}"
        );
        assert!(lines.iter().any(|l| l.starts_with("outside-dir:1:1: error[unreadable-file] cannot read the file: symbolic link to the folder")), "{out}");
        assert!(!out.contains("hunter2"));
        assert_eq!(lines.len(), 4, "{out}");
    }

    #[test]
    fn folders_named_yaml_fifos_and_odd_names() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("x.yaml")).unwrap();
        fs::write(root.join("x.yaml/team.yaml"), TEAM).unwrap();
        let fifo = root.join("pipe.yaml");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        // A file name that is not UTF-8.
        let odd = std::ffi::OsStr::from_bytes(b"caf\xe9.yaml");
        fs::write(root.join(odd), TEAM.replace("id: ops", "id: ops2")).unwrap();
        let (code, out, _) = run(root, &["check", "--no-config", "--format", "json", "."]);
        assert_eq!(code, 1);
        let report: serde_json::Value = serde_json::from_str(&out).unwrap();
        // x.yaml/team.yaml, the oddly named file (read, shown with U+FFFD) and the pipe.
        assert_eq!(report["summary"]["files"], 3, "{out}");
        assert_eq!(report["summary"]["entities"], 2, "{out}");
        let diagnostics = report["diagnostics"].as_array().unwrap();
        assert_eq!(diagnostics.len(), 1, "{out}");
        assert_eq!(diagnostics[0]["file"], "pipe.yaml");
        assert_eq!(
            diagnostics[0]["message"],
            "not a regular file (a pipe, socket or device)"
        );
        // Named explicitly, a FIFO is not opened either (opening would block).
        let (code, out, _) = run(
            root,
            &["check", "--no-config", "--format", "short", "pipe.yaml"],
        );
        assert_eq!(
            (code, out.as_str()),
            (
                1,
                "pipe.yaml:1:1: error[unreadable-file] not a regular file (a pipe, socket or device)\n"
            )
        );
        // A folder named like a file is walked as the folder it is.
        let (code, out, _) = run(root, &["check", "--no-config", "x.yaml"]);
        assert_eq!(
            (code, out.as_str()),
            (0, "no problems in 1 file, 1 entity\n")
        );
    }

    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn unreadable_file_is_a_finding() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("locked.yaml");
        fs::write(&f, TEAM).unwrap();
        fs::set_permissions(&f, fs::Permissions::from_mode(0o000)).unwrap();
        let args = ["check", "--no-config", "--format", "short", "."];
        let (code, out) = if fs::read(&f).is_ok() {
            // Root reads a file whatever its mode (CI runs as root): check as an unprivileged
            // user instead, with a copy of the binary that user may execute.
            fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
            let bin = dir.path().join("catalint-copy");
            fs::copy(env!("CARGO_BIN_EXE_catalint"), &bin).unwrap();
            let Ok(out) = std::process::Command::new("setpriv")
                .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(&bin)
                .args(args)
                .current_dir(dir.path())
                .output()
            else {
                common::cannot_check(
                    "permission errors were not checked: running as root without `setpriv`",
                    "apt-get install util-linux, or run the tests as a normal user",
                );
                return;
            };
            let stdout = String::from_utf8(out.stdout).unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!stderr.contains("setpriv:"), "{stderr}");
            (out.status.code().unwrap_or(-1), stdout)
        } else {
            let (code, out, _) = run(dir.path(), &args);
            (code, out)
        };
        assert_eq!(code, 1, "{out}");
        assert!(
            out.starts_with(
                "locked.yaml:1:1: error[unreadable-file] cannot read the file: Permission denied"
            ),
            "{out}"
        );
    }

    #[test]
    fn a_config_cannot_point_the_policy_outside_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("team.yaml"), TEAM).unwrap();
        fs::write(
            dir.path().join("catalint.yaml"),
            "policy: ../../etc/passwd\n",
        )
        .unwrap();
        let (code, out, err) = run(dir.path(), &["check", "--width", "100", "."]);
        assert_eq!(code, 2, "{out}");
        assert!(
            err.contains("the policy `../../etc/passwd` is outside the config's folder"),
            "{err}"
        );
        assert!(!err.contains("root:"), "{err}");
    }
}
