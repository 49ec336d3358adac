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
use common::steps::{self, Rng, Shape, originals_of, yaml_files};

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

#[test]
fn after_any_sequence_of_changes_the_findings_equal_a_fresh_check() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/catalogue");
    let originals = originals_of(&fixture);
    let mut rng = Rng(0x5eed_cafe_f00d_0001);
    let mut steps = 0;
    let mut with_findings = 0;
    // Batches in which a file deleted earlier came back while a new one appeared.
    let mut came_back_with_new = 0;
    for sequence in 0..40 {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("catalogue");
        copy_dir(&fixture, &dir);
        let mut ws = Workspace::open(&options(&dir)).unwrap();
        assert_eq!(current(&ws), fresh(&dir));
        // Texts an editor holds: written to disk too, so that the fresh check sees them.
        let mut open_in_editor: Vec<PathBuf> = Vec::new();
        let mut fresh_names = 0;
        for step in 0..8 {
            // Every fourth step or so is a batch, as one re-scan or one watcher event sees
            // the disk: a delete, a restore, a new file, all taken in by one change.
            if rng.below(4) == 0 {
                let (what, came_back) = batch(
                    &mut rng,
                    &dir,
                    &originals,
                    &mut open_in_editor,
                    &mut ws,
                    &mut fresh_names,
                );
                assert_eq!(
                    current(&ws),
                    fresh(&dir),
                    "sequence {sequence}, step {step}: {what}"
                );
                came_back_with_new += usize::from(came_back);
                steps += 1;
                with_findings += usize::from(!ws.diagnostics().is_empty());
                continue;
            }
            let (path, text) = steps::edit(&mut rng, Shape::Catalogue, &dir, &originals);
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
        came_back_with_new >= 10,
        "{came_back_with_new} batches brought a file back with a new one"
    );
    assert!(
        with_findings * 2 >= steps,
        "{with_findings} of {steps} steps had findings"
    );
}

/// One batch, as one re-scan or one watcher event sees the disk: a file deleted, one
/// restored as the fixture has it (one deleted in an earlier step when there is one: it
/// comes back to its old slot), a new file under a name never used (sorting before or
/// after the others), and maybe another edit, all on disk and taken in by one change.
/// Returns what it did, and whether a file came back while a new one appeared.
fn batch(
    rng: &mut Rng,
    dir: &Path,
    originals: &[(PathBuf, String)],
    open_in_editor: &mut Vec<PathBuf>,
    ws: &mut Workspace,
    fresh_names: &mut usize,
) -> (String, bool) {
    let close = |ws: &mut Workspace, open: &mut Vec<PathBuf>, path: &PathBuf| {
        if open.contains(path) {
            open.retain(|p| p != path);
            ws.apply([Change::Closed(path.clone())]).unwrap();
        }
    };
    let missing: Vec<&(PathBuf, String)> = originals
        .iter()
        .filter(|(rel, _)| !dir.join(rel).exists())
        .collect();
    let mut touched: Vec<PathBuf> = Vec::new();
    let files = yaml_files(dir);
    if files.len() > 2 {
        let gone = rng.pick(&files).clone();
        close(ws, open_in_editor, &gone);
        std::fs::remove_file(&gone).unwrap();
        touched.push(gone);
    }
    let came_back = !missing.is_empty();
    let (rel, text) = match missing.is_empty() {
        false => (*rng.pick(&missing)).clone(),
        true => rng.pick(originals).clone(),
    };
    let restored = dir.join(rel);
    close(ws, open_in_editor, &restored);
    std::fs::write(&restored, text).unwrap();
    touched.push(restored);
    let from = rng.pick(&yaml_files(dir)).clone();
    let folder = rng.pick(&["copies", "zz-copies"]);
    *fresh_names += 1;
    let new = dir.join(format!("{folder}/batch-{fresh_names}.yaml"));
    std::fs::create_dir_all(new.parent().unwrap()).unwrap();
    std::fs::copy(&from, &new).unwrap();
    touched.push(new);
    if rng.below(2) == 0 {
        let (path, text) = steps::edit(rng, Shape::Catalogue, dir, originals);
        // Only changes on disk in a batch: an editor's text is not a disk event.
        if !open_in_editor.contains(&path) {
            match text {
                None if yaml_files(dir).len() > 2 => std::fs::remove_file(&path).unwrap(),
                None => {}
                Some(text) => {
                    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                    std::fs::write(&path, text).unwrap();
                }
            }
            touched.push(path);
        }
    }
    let what = format!("batch {touched:?}");
    ws.apply(touched.into_iter().map(Change::OnDisk)).unwrap();
    (what, came_back)
}

/// The crash of issue 26, as small as it gets: a file deleted, then restored while a new
/// file appears after it in discovery's order, both taken in by one change.
#[test]
fn a_file_restored_while_a_new_one_appears_in_one_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("catalogue");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/catalogue"),
        &dir,
    );
    let mut ws = Workspace::open(&options(&dir)).unwrap();
    let cloud = dir.join("services/cloud-hosting.yaml");
    let text = std::fs::read_to_string(&cloud).unwrap();
    std::fs::remove_file(&cloud).unwrap();
    ws.apply([Change::OnDisk(cloud.clone())]).unwrap();
    assert_eq!(current(&ws), fresh(&dir));
    std::fs::write(&cloud, &text).unwrap();
    let new = dir.join("services/zz-new.yaml");
    std::fs::write(&new, text.replace("id: cloud-hosting", "id: zz-new")).unwrap();
    ws.apply([Change::OnDisk(cloud.clone()), Change::OnDisk(new.clone())])
        .unwrap();
    assert_eq!(current(&ws), fresh(&dir));
    // And again, the two ways round.
    std::fs::remove_file(&cloud).unwrap();
    std::fs::remove_file(&new).unwrap();
    ws.apply([Change::OnDisk(new.clone()), Change::OnDisk(cloud.clone())])
        .unwrap();
    std::fs::write(&new, text.replace("id: cloud-hosting", "id: zz-new")).unwrap();
    std::fs::write(&cloud, &text).unwrap();
    let other = dir.join("aa-new.yaml");
    std::fs::write(&other, text.replace("id: cloud-hosting", "id: aa-new")).unwrap();
    ws.apply([new, cloud, other].map(Change::OnDisk)).unwrap();
    assert_eq!(current(&ws), fresh(&dir));
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

/// One workspace taken through 200 random edits without a fresh start: what the index, the
/// lookups and the catalogue-wide rules keep between checks must hold up over a long edit
/// session, not only over the short sequences above.
#[test]
fn two_hundred_random_steps_in_one_workspace_equal_fresh_checks() {
    two_hundred_steps(None, 0x5eed_cafe_f00d_0200);
}

/// The same under the transitive availability scope, which a workspace redoes only for the
/// services above one the change reached.
#[test]
fn two_hundred_random_steps_under_the_transitive_scope_equal_fresh_checks() {
    let policy = "apiVersion: catalogue/v1\nkind: Policy\nmetadata: {id: p, name: P}\nspec:\n  \
                  extends: default\n  rules:\n    availability-exceeds-dependencies: \
                  {options: {scope: transitive}}\n";
    two_hundred_steps(Some(policy), 0x5eed_cafe_f00d_7a25);
}

fn two_hundred_steps(policy: Option<&str>, seed: u64) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/catalogue");
    let originals = originals_of(&fixture);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("catalogue");
    copy_dir(&fixture, &dir);
    let mut opts = options(&dir);
    if let Some(policy) = policy {
        let path = tmp.path().join("policy.yaml");
        std::fs::write(&path, policy).unwrap();
        opts.policy = Some(path);
    }
    let fresh = || {
        let outcome = engine::check(&opts).unwrap();
        json(&outcome.report(&catalint::rules::rulebook(&outcome.policy)))
    };
    let mut ws = Workspace::open(&opts).unwrap();
    assert_eq!(current(&ws), fresh());
    let mut rng = Rng(seed);
    let mut open_in_editor = Vec::new();
    let (mut taken, mut with_findings) = (0, 0);
    for step in 0..200 {
        let e = steps::edit(&mut rng, Shape::Catalogue, &dir, &originals);
        let found = random_step(
            &mut rng,
            &mut ws,
            &dir,
            e,
            &mut open_in_editor,
            &fresh,
            &format!("step {step}"),
        );
        if let Some(found) = found {
            taken += 1;
            with_findings += usize::from(found);
        }
    }
    assert!(taken >= 180, "{taken} steps");
    assert!(with_findings * 2 >= taken, "{with_findings} of {taken}");
}

/// A cycle of three whose member leaves it, while the other two still form a cycle: the
/// smaller cycle is found although neither of its members changed (in both formats).
#[test]
fn a_cycle_that_loses_a_member_leaves_the_smaller_one_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("catalogue");
    std::fs::create_dir_all(&dir).unwrap();
    let service = |id: &str, deps: &[&str]| {
        let deps: Vec<String> = deps
            .iter()
            .map(|d| format!("    - {{service: {d}, kind: hard}}\n"))
            .collect();
        format!(
            "apiVersion: catalogue/v1\nkind: Service\nmetadata: {{id: {id}, name: {id}}}\n\
             spec:\n  category: platform\n  lifecycle: live\n  dependencies:\n{}",
            deps.concat()
        )
    };
    // x -> y -> z -> x, and z -> y: one component of three; without x -> y, y and z remain.
    for (id, deps) in [("x", &["y"][..]), ("y", &["z"]), ("z", &["x", "y"])] {
        std::fs::write(dir.join(format!("{id}.yaml")), service(id, deps)).unwrap();
    }
    let mut ws = Workspace::open(&options(&dir)).unwrap();
    assert_eq!(current(&ws), fresh(&dir));
    let x = dir.join("x.yaml");
    let text = service("x", &[]);
    std::fs::write(&x, &text).unwrap();
    ws.apply([Change::Text { path: x, text }]).unwrap();
    assert!(current(&ws).contains("y -> z -> y"), "{}", current(&ws));
    assert_eq!(current(&ws), fresh(&dir));

    let root = tmp.path().join("backstage");
    let dir = root.join("catalogue");
    std::fs::create_dir_all(&dir).unwrap();
    let component = |name: &str, deps: &[&str], of: &[&str]| {
        let list = |l: &[&str]| {
            l.iter()
                .map(|d| format!("component:{d}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {{name: {name}}}\n\
             spec:\n  type: service\n  lifecycle: production\n  owner: team\n  \
             dependsOn: [{}]\n  dependencyOf: [{}]\n",
            list(deps),
            list(of)
        )
    };
    // The same shape, with z -> y written at y (`dependencyOf`) and x -> y at x.
    let files = [
        ("x", component("x", &["y"], &[])),
        ("y", component("y", &["z"], &["z"])),
        ("z", component("z", &["x"], &[])),
    ];
    for (name, text) in &files {
        std::fs::write(dir.join(format!("{name}.yaml")), text).unwrap();
    }
    let opts = CheckOptions {
        paths: vec![dir.clone()],
        config: ConfigChoice::None,
        policy: Some("backstage".into()),
        ..CheckOptions::default()
    };
    let fresh = || {
        let outcome = engine::check(&opts).unwrap();
        json(&outcome.report(&catalint::rules::rulebook(&outcome.policy)))
    };
    let mut ws = Workspace::open(&opts).unwrap();
    assert_eq!(current(&ws), fresh());
    let x = dir.join("x.yaml");
    let text = component("x", &[], &[]);
    std::fs::write(&x, &text).unwrap();
    ws.apply([Change::Text { path: x, text }]).unwrap();
    assert!(current(&ws).contains("form a cycle"), "{}", current(&ws));
    assert_eq!(current(&ws), fresh());
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
            let e = steps::edit(&mut rng, Shape::Backstage, &dir, &originals);
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
