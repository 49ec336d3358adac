//! The workspace's promise: after any sequence of changes its findings equal a fresh
//! check's. Random edit sequences (rename an id, break a reference, add a cycle, break the
//! YAML, delete, add, copy and restore files) are applied to a copy of the example
//! catalogue, each edit sent either as an editor's text or as a change on disk, and after
//! every step the workspace's JSON report is compared with that of a fresh check of the
//! files as they now are.

mod common;

use std::path::{Path, PathBuf};

use catalint::engine::{self, CheckOptions, ConfigChoice};
use catalint::report::{self, Format};
use catalint::workspace::{Change, Workspace};
use common::copy_dir;

/// A small deterministic generator (xorshift64*): the same sequences on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(yaml_files(&path));
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn json(report: &report::Report<'_>) -> String {
    let mut out = Vec::new();
    report::machine(Format::Json)
        .unwrap()
        .report(report, &mut out)
        .unwrap();
    String::from_utf8(out).unwrap()
}

fn options(dir: &Path) -> CheckOptions {
    CheckOptions {
        paths: vec![dir.to_path_buf()],
        config: ConfigChoice::None,
        ..CheckOptions::default()
    }
}

fn fresh(dir: &Path) -> String {
    let outcome = engine::check(&options(dir)).unwrap();
    json(&outcome.report(&catalint::rules::rulebook(&outcome.policy)))
}

fn current(ws: &Workspace) -> String {
    json(&ws.report(&catalint::rules::rulebook(&ws.settings().policy)))
}

/// One random edit of the catalogue in `dir`: the new text of a file (`None`: deleted).
fn edit(rng: &mut Rng, dir: &Path, originals: &[(PathBuf, String)]) -> (PathBuf, Option<String>) {
    let files = yaml_files(dir);
    let ids = [
        "cloud-hosting",
        "database-platform",
        "payroll-application",
        "identity-and-access",
        "hr-systems",
        "platform-engineering",
        "payroll-app",
    ];
    let text_of = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
    match rng.below(8) {
        // Rename an id where it is defined, or where it is named: both sides dangle.
        0 | 1 => {
            let path = rng.pick(&files).clone();
            let id = rng.pick(&ids);
            let text = text_of(&path).replace(id, &format!("{id}-renamed"));
            (path, Some(text))
        }
        // Break a reference: a team or service id one letter off.
        2 => {
            let path = rng.pick(&files).clone();
            let text = text_of(&path).replacen("team: ", "team: x", 1).replacen(
                "service: c",
                "service: k",
                1,
            );
            (path, Some(text))
        }
        // Add a hard dependency (with the fixture's edges, often a cycle).
        3 => {
            let path = dir.join("services/cloud-hosting.yaml");
            let target = rng.pick(&["database-platform", "payroll-application", "cloud-hosting"]);
            let mut text = text_of(&path);
            if !text.contains("dependencies:") {
                text.push_str("  dependencies:\n");
            }
            text.push_str(&format!("    - {{service: {target}, kind: hard}}\n"));
            (path, Some(text))
        }
        // Break the YAML.
        4 => {
            let path = rng.pick(&files).clone();
            let text = text_of(&path).replacen("spec:\n", "spec:\n  : [\n", 1);
            (path, Some(text))
        }
        // Delete a file.
        5 => (rng.pick(&files).clone(), None),
        // Copy a file under a new name: its ids are now shared.
        6 => {
            let from = rng.pick(&files).clone();
            let to = dir.join(format!("copies/copy-{}.yaml", rng.below(3)));
            (to, Some(text_of(&from)))
        }
        // Restore a file as the fixture has it (bringing a deleted one back).
        _ => {
            let (rel, text) = rng.pick(originals).clone();
            (dir.join(rel), Some(text))
        }
    }
}

#[test]
fn after_any_sequence_of_changes_the_findings_equal_a_fresh_check() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/catalogue");
    let originals: Vec<(PathBuf, String)> = yaml_files(&fixture)
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p.strip_prefix(&fixture).unwrap().to_path_buf(), text)
        })
        .collect();
    let mut rng = Rng(0x5eed_cafe_f00d_0001);
    let mut steps = 0;
    let mut with_findings = 0;
    for sequence in 0..40 {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("catalogue");
        copy_dir(&fixture, &dir);
        let mut ws = Workspace::open(&options(&dir)).unwrap();
        assert_eq!(current(&ws), fresh(&dir));
        // Texts an editor holds: written to disk too, so that the fresh check sees them.
        let mut open_in_editor: Vec<PathBuf> = Vec::new();
        for step in 0..8 {
            let (path, text) = edit(&mut rng, &dir, &originals);
            let change = match text {
                None => {
                    // Deleting the last file leaves nothing to check: keep one.
                    if yaml_files(&dir).len() <= 1 {
                        continue;
                    }
                    if open_in_editor.contains(&path) {
                        open_in_editor.retain(|p| p != &path);
                        ws.apply([Change::Closed(path.clone())]).unwrap();
                    }
                    std::fs::remove_file(&path).unwrap();
                    Change::OnDisk(path.clone())
                }
                Some(text) => {
                    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                    std::fs::write(&path, &text).unwrap();
                    // A file the editor holds changes through the editor; any other
                    // file, half the time, as if an editor had just opened it.
                    let held = open_in_editor.contains(&path);
                    if held || rng.below(2) == 0 {
                        if !held {
                            open_in_editor.push(path.clone());
                        }
                        Change::Text {
                            path: path.clone(),
                            text,
                        }
                    } else {
                        Change::OnDisk(path.clone())
                    }
                }
            };
            let what = format!("{change:?}");
            ws.apply([change]).unwrap();
            let expected = fresh(&dir);
            assert_eq!(
                current(&ws),
                expected,
                "sequence {sequence}, step {step}: {what}"
            );
            steps += 1;
            with_findings += usize::from(!ws.diagnostics().is_empty());
        }
    }
    // The sequences must reach broken states, or the comparison proves little.
    assert!(steps >= 250, "{steps} steps");
    assert!(
        with_findings * 2 >= steps,
        "{with_findings} of {steps} steps had findings"
    );
}

#[test]
fn an_editor_text_wins_over_the_disk_until_closed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("catalogue");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/catalogue"),
        &dir,
    );
    let teams = dir.join("teams/teams.yaml");
    let mut ws = Workspace::open(&options(&dir)).unwrap();
    assert!(ws.diagnostics().is_empty());
    let broken = std::fs::read_to_string(&teams)
        .unwrap()
        .replace("id: hr-systems", "id: hr-sytems");
    ws.apply([Change::Text {
        path: teams.clone(),
        text: broken,
    }])
    .unwrap();
    let rules: Vec<&str> = ws.diagnostics().iter().map(|d| &*d.rule).collect();
    assert!(rules.contains(&"unresolved-reference"), "{rules:?}");
    // The file on disk changes; the editor's text still wins.
    std::fs::write(&teams, "").unwrap();
    ws.apply([Change::OnDisk(teams.clone())]).unwrap();
    assert!(
        ws.diagnostics().iter().all(|d| d.rule != "empty-file"),
        "the disk's text was used while the editor holds the file"
    );
    // Closed: the disk's text (empty) is the file again.
    ws.apply([Change::Closed(teams.clone())]).unwrap();
    let rules: Vec<&str> = ws.diagnostics().iter().map(|d| &*d.rule).collect();
    assert!(rules.contains(&"empty-file"), "{rules:?}");
}

#[test]
fn a_policy_change_reloads_the_settings() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("catalogue");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/catalogue"),
        &dir,
    );
    let config = tmp.path().join("catalint.yaml");
    std::fs::write(&config, "include: [\"catalogue/**\"]\n").unwrap();
    let opts = CheckOptions {
        paths: vec![],
        config: ConfigChoice::File(config.clone()),
        ..CheckOptions::default()
    };
    let mut ws = Workspace::open(&opts).unwrap();
    assert!(ws.diagnostics().is_empty());
    let services = dir.join("services/cloud-hosting.yaml");
    let text = std::fs::read_to_string(&services)
        .unwrap()
        .replace("agreement: OLA", "agreement: SLA");
    std::fs::write(&services, text).unwrap();
    ws.apply([Change::OnDisk(services.clone())]).unwrap();
    assert!(!ws.diagnostics().is_empty(), "the edit gives a finding");
    std::fs::write(
        &config,
        "include: [\"catalogue/**\"]\nrules: {agreement-type: off}\n",
    )
    .unwrap();
    ws.apply([Change::OnDisk(config.clone())]).unwrap();
    assert!(
        ws.diagnostics().iter().all(|d| d.rule != "agreement-type"),
        "{:?}",
        ws.diagnostics()
    );
    // A config that cannot be read is an error, and the workspace stays as it was.
    let before = current(&ws);
    std::fs::write(
        &config,
        "include: [\"catalogue/**\"]\nrules: {agreement-typo: off}\n",
    )
    .unwrap();
    let err = ws.apply([Change::OnDisk(config.clone())]).unwrap_err();
    assert!(err.to_string().contains("catalint.yaml"), "{err}");
    assert_eq!(current(&ws), before);
    // A batch with a settings change takes the batch's texts in too.
    std::fs::write(&config, "include: [\"catalogue/**\"]\n").unwrap();
    let text = std::fs::read_to_string(&services)
        .unwrap()
        .replace("agreement: SLA", "agreement: OLA");
    ws.apply([
        Change::OnDisk(config),
        Change::Text {
            path: services,
            text,
        },
    ])
    .unwrap();
    assert!(ws.diagnostics().is_empty(), "{:?}", ws.diagnostics());
}

/// A Backstage catalogue names entities in other forms than their ids (`Group:team-a`, a
/// default namespace, any case): every rename of an entity, sent as an editor's text, still
/// leaves the findings equal to a fresh check's.
#[test]
fn a_backstage_catalogue_stays_equal_to_a_fresh_check() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/backstage");
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("backstage");
    copy_dir(&fixture, &root);
    let dir = root.join("catalogue");
    let opts = CheckOptions {
        paths: vec![dir.clone()],
        config: ConfigChoice::None,
        policy: Some(root.join("policy.yaml")),
        ..CheckOptions::default()
    };
    let fresh = |opts: &CheckOptions| {
        let outcome = engine::check(opts).unwrap();
        json(&outcome.report(&catalint::rules::rulebook(&outcome.policy)))
    };
    let mut ws = Workspace::open(&opts).unwrap();
    assert_eq!(current(&ws), fresh(&opts));
    let mut renamed = 0;
    for path in yaml_files(&dir) {
        let original = std::fs::read_to_string(&path).unwrap();
        for (i, line) in original.lines().enumerate() {
            let Some(name) = line.strip_prefix("  name: ") else {
                continue;
            };
            let text: String = original
                .lines()
                .enumerate()
                .map(|(j, l)| match j == i {
                    true => format!("  name: {name}-renamed\n"),
                    false => format!("{l}\n"),
                })
                .collect();
            for text in [text, original.clone()] {
                std::fs::write(&path, &text).unwrap();
                ws.apply([Change::Text {
                    path: path.clone(),
                    text,
                }])
                .unwrap();
                assert_eq!(
                    current(&ws),
                    fresh(&opts),
                    "{} line {}",
                    path.display(),
                    i + 1
                );
            }
            renamed += 1;
        }
    }
    assert!(renamed >= 5, "{renamed} entities renamed");
}

/// The smallest case of the above: a component names its owner in the short form; renaming
/// the group in another file must give the component its finding, and undoing it clear it.
#[test]
fn a_backstage_owner_renamed_in_another_file_is_seen() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("catalogue");
    std::fs::create_dir_all(&dir).unwrap();
    let group = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n";
    let component = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: shop\nspec:\n  type: service\n  lifecycle: production\n  owner: Team-A\n";
    std::fs::write(dir.join("group.yaml"), group).unwrap();
    std::fs::write(dir.join("component.yaml"), component).unwrap();
    let opts = CheckOptions {
        paths: vec![dir.clone()],
        config: ConfigChoice::None,
        policy: Some(PathBuf::from("backstage")),
        ..CheckOptions::default()
    };
    let mut ws = Workspace::open(&opts).unwrap();
    assert!(ws.diagnostics().is_empty(), "{:?}", ws.diagnostics());
    for (text, broken) in [
        (group.replace("team-a", "team-b"), true),
        (group.to_owned(), false),
    ] {
        ws.apply([Change::Text {
            path: dir.join("group.yaml"),
            text,
        }])
        .unwrap();
        let in_component = ws.diagnostics().iter().any(|d| {
            d.rule == "unresolved-reference"
                && ws.files().get(d.file()).path.ends_with("component.yaml")
        });
        assert_eq!(in_component, broken, "{:?}", ws.diagnostics());
    }
}

/// Deleting every file is what a fresh check refuses ("no catalogue files"): the workspace
/// says so too, instead of going quiet, and recovers when a file comes back.
#[test]
fn a_catalogue_emptied_on_disk_is_an_error_not_silence() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("catalogue");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/catalogue"),
        &dir,
    );
    let mut ws = Workspace::open(&options(&dir)).unwrap();
    let files = yaml_files(&dir);
    let texts: Vec<String> = files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    for p in &files {
        std::fs::remove_file(p).unwrap();
    }
    let err = ws
        .apply(files.iter().map(|p| Change::OnDisk(p.clone())))
        .unwrap_err();
    assert!(err.to_string().contains("no catalogue files"), "{err}");
    for (p, t) in files.iter().zip(&texts) {
        std::fs::write(p, t).unwrap();
    }
    ws.apply(files.iter().map(|p| Change::OnDisk(p.clone())))
        .unwrap();
    assert_eq!(current(&ws), fresh(&dir));
}

/// Applies one random edit of `edit` (sent as an editor's text or as a change on disk) to
/// the workspace and the disk, then compares the workspace's report with a fresh check's.
/// Returns whether the step had findings, or `None` when it was skipped.
fn random_step(
    rng: &mut Rng,
    ws: &mut Workspace,
    dir: &Path,
    (path, text): (PathBuf, Option<String>),
    open_in_editor: &mut Vec<PathBuf>,
    fresh: &dyn Fn() -> String,
    what_step: &str,
) -> Option<bool> {
    let change = match text {
        None => {
            if yaml_files(dir).len() <= 1 {
                return None;
            }
            if open_in_editor.contains(&path) {
                open_in_editor.retain(|p| p != &path);
                ws.apply([Change::Closed(path.clone())]).unwrap();
            }
            std::fs::remove_file(&path).unwrap();
            Change::OnDisk(path)
        }
        Some(text) => {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &text).unwrap();
            let held = open_in_editor.contains(&path);
            if held || rng.below(2) == 0 {
                if !held {
                    open_in_editor.push(path.clone());
                }
                Change::Text { path, text }
            } else {
                Change::OnDisk(path)
            }
        }
    };
    let what = format!("{change:?}");
    ws.apply([change]).unwrap();
    assert_eq!(current(ws), fresh(), "{what_step}: {what}");
    Some(!ws.diagnostics().is_empty())
}

fn originals_of(fixture: &Path) -> Vec<(PathBuf, String)> {
    yaml_files(fixture)
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p.strip_prefix(fixture).unwrap().to_path_buf(), text)
        })
        .collect()
}

/// One workspace taken through 200 random edits without a fresh start: what the index, the
/// lookups and the catalogue-wide rules keep between checks must hold up over a long edit
/// session, not only over the short sequences above.
#[test]
fn two_hundred_random_steps_in_one_workspace_equal_fresh_checks() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/catalogue");
    let originals = originals_of(&fixture);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("catalogue");
    copy_dir(&fixture, &dir);
    let mut ws = Workspace::open(&options(&dir)).unwrap();
    let mut rng = Rng(0x5eed_cafe_f00d_0200);
    let mut open_in_editor = Vec::new();
    let (mut steps, mut with_findings) = (0, 0);
    for step in 0..200 {
        let e = edit(&mut rng, &dir, &originals);
        let found = random_step(
            &mut rng,
            &mut ws,
            &dir,
            e,
            &mut open_in_editor,
            &|| fresh(&dir),
            &format!("step {step}"),
        );
        if let Some(found) = found {
            steps += 1;
            with_findings += usize::from(found);
        }
    }
    assert!(steps >= 180, "{steps} steps");
    assert!(with_findings * 2 >= steps, "{with_findings} of {steps}");
}

/// One random edit of the Backstage example: a name renamed where it is defined or where it
/// is named (in any of the forms a reference takes), a reference broken, a dependency that
/// closes a cycle, a namespace moved, broken YAML, a file deleted, copied or restored.
fn backstage_edit(
    rng: &mut Rng,
    dir: &Path,
    originals: &[(PathBuf, String)],
) -> (PathBuf, Option<String>) {
    let files = yaml_files(dir);
    let names = [
        "payments-service",
        "ledger",
        "payments-api",
        "payments-db",
        "payments-team",
        "commerce",
        "payments",
    ];
    let text_of = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
    match rng.below(9) {
        0 | 1 => {
            let path = rng.pick(&files).clone();
            let name = rng.pick(&names);
            let to = rng.pick(&["-renamed", "-RENAMED"]);
            (
                path.clone(),
                Some(text_of(&path).replacen(name, &format!("{name}{to}"), 1)),
            )
        }
        2 => {
            // The same entity named in another case or form: it still resolves.
            let path = rng.pick(&files).clone();
            let text = text_of(&path)
                .replacen("owner: payments-team", "owner: Group:Payments-Team", 1)
                .replacen("component:ledger", "component:default/Ledger", 1);
            (path, Some(text))
        }
        3 => {
            // ledger depends on payments-service, which depends on ledger: a cycle.
            let path = dir.join("components/payments.yaml");
            let text = text_of(&path).replacen(
                "  dependencyOf: [component:payments-service]",
                "  dependsOn: [component:payments-service]",
                1,
            );
            (path, Some(text))
        }
        4 => {
            let path = rng.pick(&files).clone();
            let text = text_of(&path).replacen("metadata:\n", "metadata:\n  namespace: other\n", 1);
            (path, Some(text))
        }
        5 => {
            let path = rng.pick(&files).clone();
            (
                path.clone(),
                Some(text_of(&path).replacen("spec:\n", "spec:\n  : [\n", 1)),
            )
        }
        6 => (rng.pick(&files).clone(), None),
        7 => {
            let from = rng.pick(&files).clone();
            let folder = rng.pick(&["copies", "a-copies"]);
            let to = dir.join(format!("{folder}/copy-{}.yaml", rng.below(3)));
            (to, Some(text_of(&from)))
        }
        _ => {
            let (rel, text) = rng.pick(originals).clone();
            (dir.join(rel), Some(text))
        }
    }
}

/// The property above for a Backstage catalogue, whose relations name entities in other
/// forms than their ids: 200 random steps, each compared with a fresh check.
#[test]
fn a_backstage_catalogue_over_200_random_steps_equals_fresh_checks() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/backstage");
    let originals = originals_of(&fixture.join("catalogue"));
    let mut rng = Rng(0x5eed_cafe_f00d_ba57);
    let (mut steps, mut with_findings) = (0, 0);
    // Sequences of 20 from the example, so that edits meet a catalogue still close to it.
    for sequence in 0..10 {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("backstage");
        copy_dir(&fixture, &root);
        let dir = root.join("catalogue");
        let opts = CheckOptions {
            paths: vec![dir.clone()],
            config: ConfigChoice::None,
            policy: Some(root.join("policy.yaml")),
            ..CheckOptions::default()
        };
        let fresh = || {
            let outcome = engine::check(&opts).unwrap();
            json(&outcome.report(&catalint::rules::rulebook(&outcome.policy)))
        };
        let mut ws = Workspace::open(&opts).unwrap();
        assert_eq!(current(&ws), fresh());
        let mut open_in_editor = Vec::new();
        for step in 0..20 {
            let e = backstage_edit(&mut rng, &dir, &originals);
            let found = random_step(
                &mut rng,
                &mut ws,
                &dir,
                e,
                &mut open_in_editor,
                &fresh,
                &format!("sequence {sequence}, step {step}"),
            );
            if let Some(found) = found {
                steps += 1;
                with_findings += usize::from(found);
            }
        }
    }
    assert!(steps >= 180, "{steps} steps");
    assert!(with_findings * 2 >= steps, "{with_findings} of {steps}");
}
