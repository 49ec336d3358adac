//! Both sides from one check: BASE (a git revision, held in memory) is opened as a workspace
//! (the incremental engine the language server keeps), then HEAD's changed files are
//! applied to that workspace's folder and re-checked, instead of checking HEAD from
//! scratch. Taken only when the result is the same as two checks: both sides have the same
//! `catalint.yaml` and policy (a change to either, or a `catalint.yaml` anywhere among the
//! changed files, checks HEAD whole), and for the working tree, when the re-checked folder
//! ends up holding exactly the files `check` would read in the working tree.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::git::Repo;
use super::side::{self, Checked, Revision, Side};
use super::{Source, Which};
use crate::discover::Found;
use crate::error::RunError;
use crate::paths::Cwd;
use crate::settings::config::CONFIG_NAMES;
use crate::settings::{CheckOptions, Settings};
use crate::workspace::{Change, Workspace};

/// What HEAD changes in the folder BASE was written to: new texts (added or modified) and
/// removals, by path relative to the repository's top.
struct Edits {
    write: Vec<(String, Vec<u8>)>,
    remove: Vec<String>,
    /// For the working tree: the files its check reads, which the folder must end up with.
    expect: Option<HashSet<String>>,
}

/// BASE, a revision, and HEAD (a revision or the working tree), read with one full check.
pub fn read(
    base_rev: &str,
    head: &Source,
    repo: &Repo,
    cwd: &Cwd,
) -> Result<(Side, Side), RunError> {
    let (commit, label) = side::revision(repo, base_rev)?;
    let tree = repo.yaml_tree(&commit)?;
    let blobs = repo.read_blobs(
        tree.iter()
            .map(|e| (e.path.clone(), e.object.clone()))
            .collect(),
    )?;
    let revision = Revision::new(blobs)?;
    let root = revision.root().to_path_buf();
    let mut ws = revision
        .open(&repo.prefix, Workspace::open_in)
        .map_err(|e| side::in_side(e, "BASE", &label, Some(&root)))?;
    let (mut catalogue, diagnostics, live) = ws.snapshot();
    side::rename(&mut catalogue, &root, &repo.prefix, cwd);
    let base_checked = |policy| Checked {
        catalogue,
        diagnostics,
        policy,
        live,
    };
    let edits = match head {
        Source::Revision(rev) => {
            let (head_commit, head_label) = side::revision(repo, rev)?;
            let head_tree = repo.yaml_tree(&head_commit)?;
            revision_edits(repo, &tree, &head_tree, &ws, &root)?.map(|e| (e, head_label))
        }
        Source::WorkingTree => {
            working_tree_edits(repo, &ws, &root, cwd).map(|e| (e, "working tree".to_owned()))
        }
        Source::Folder(_) => None,
    };
    let Some((edits, head_label)) = edits else {
        return whole(ws, base_checked, label, head, repo, cwd);
    };
    let expect = edits.expect.clone();
    if apply(&mut ws, &root, edits).is_err() || !holds(&ws, &root, expect.as_ref()) {
        return whole(ws, base_checked, label, head, repo, cwd);
    }
    let outcome = ws.into_outcome();
    let policy = Arc::new(outcome.policy);
    let mut head_checked = Checked {
        catalogue: outcome.catalogue,
        diagnostics: outcome.diagnostics,
        policy: policy.clone(),
        live: outcome.focus,
    };
    side::rename(&mut head_checked.catalogue, &root, &repo.prefix, cwd);
    drop(revision);
    let mut head = Side::new(Which::Head, head_label, head_checked);
    head.incremental = true;
    Ok((Side::new(Which::Base, label, base_checked(policy)), head))
}

/// HEAD checked whole, as `check` would: the path the diff takes when the incremental one
/// could not give the same answer.
fn whole(
    ws: Workspace,
    base: impl FnOnce(Arc<crate::policy::Policy>) -> Checked,
    label: String,
    head: &Source,
    repo: &Repo,
    cwd: &Cwd,
) -> Result<(Side, Side), RunError> {
    // The workspace's settings are BASE's still: a change to them is never applied.
    let policy = Arc::new(ws.into_outcome().policy);
    let base = Side::new(Which::Base, label, base(policy));
    let head = Side::read(head, Which::Head, Some(repo), cwd)?;
    Ok((base, head))
}

/// HEAD's revision against BASE's, by object id: only the files that differ are read.
/// `None` when a settings file or a `catalint.yaml` is among them.
fn revision_edits(
    repo: &Repo,
    base: &[super::git::TreeEntry],
    head: &[super::git::TreeEntry],
    ws: &Workspace,
    root: &Path,
) -> Result<Option<Edits>, RunError> {
    let before: HashMap<&str, &str> = base
        .iter()
        .map(|e| (e.path.as_str(), e.object.as_str()))
        .collect();
    let after: HashSet<&str> = head.iter().map(|e| e.path.as_str()).collect();
    let changed: Vec<(String, String)> = head
        .iter()
        .filter(|e| before.get(e.path.as_str()) != Some(&e.object.as_str()))
        .map(|e| (e.path.clone(), e.object.clone()))
        .collect();
    let remove: Vec<String> = base
        .iter()
        .filter(|e| !after.contains(e.path.as_str()))
        .map(|e| e.path.clone())
        .collect();
    let settings = settings_paths(ws, root);
    let touches_settings = changed
        .iter()
        .map(|(p, _)| p)
        .chain(&remove)
        .any(|p| settings.contains(p) || is_config_name(p));
    if touches_settings {
        return Ok(None);
    }
    let write = repo
        .read_blobs(changed)?
        .into_iter()
        .map(|b| (b.path, b.bytes))
        .collect();
    Ok(Some(Edits {
        write,
        remove,
        expect: None,
    }))
}

/// The working tree's catalogue files against BASE's: `None` when its settings are not
/// BASE's (same files at the same places, same bytes), or a file cannot be placed.
fn working_tree_edits(repo: &Repo, ws: &Workspace, root: &Path, cwd: &Cwd) -> Option<Edits> {
    let settings = Settings::load(&CheckOptions::default()).ok()?;
    let base = ws.folder()?;
    // The settings: the same files, relative to the top, with the same bytes.
    let here: Vec<String> = settings
        .files()
        .iter()
        .map(|p| relative(&cwd.absolute(p), &repo.top))
        .collect::<Option<_>>()?;
    if here != ws_settings_in_order(ws, root)? {
        return None;
    }
    for p in &here {
        let bytes = std::fs::read(repo.top.join(p)).ok()?;
        if base.get_relative(p) != Some(bytes.as_slice()) {
            return None;
        }
    }
    let selection = crate::select::select(&[], &settings.config, &settings.files(), cwd).ok()?;
    let files: Vec<(String, PathBuf)> = selection
        .files
        .iter()
        .map(|f| match &f.found {
            Found::File(path) => Some((relative(path, &repo.top)?, path.clone())),
            Found::Problem { .. } => None,
        })
        .collect::<Option<_>>()?;
    let read: Vec<Option<(String, Option<Vec<u8>>)>> = files
        .par_iter()
        .map(|(rel, path)| {
            let base = base.get_relative(rel);
            let changed = crate::read::with_bytes(path, |bytes| {
                (base != Some(bytes)).then(|| bytes.to_vec())
            });
            Some((rel.clone(), changed.ok()?))
        })
        .collect();
    let mut write = Vec::new();
    let mut expect = HashSet::new();
    for r in read {
        let (rel, bytes) = r?;
        if let Some(bytes) = bytes {
            write.push((rel.clone(), bytes));
        }
        expect.insert(rel);
    }
    let remove = live_files(ws, root)
        .into_iter()
        .filter(|p| !expect.contains(p))
        .collect();
    Some(Edits {
        write,
        remove,
        expect: Some(expect),
    })
}

/// Writes HEAD's changes into the workspace's folder and has it re-check them.
fn apply(ws: &mut Workspace, root: &Path, edits: Edits) -> Result<(), RunError> {
    let removed = edits.remove.iter().map(|p| Change::InFolder {
        path: root.join(p),
        bytes: None,
    });
    let written = edits.write.into_iter().map(|(p, bytes)| Change::InFolder {
        path: root.join(p),
        bytes: Some(bytes),
    });
    ws.apply(removed.chain(written).collect::<Vec<_>>())
}

/// Whether the workspace now reads exactly the files expected (when any are).
fn holds(ws: &Workspace, root: &Path, expect: Option<&HashSet<String>>) -> bool {
    match expect {
        Some(expect) => live_files(ws, root).into_iter().collect::<HashSet<_>>() == *expect,
        None => true,
    }
}

/// The workspace's files, relative to the folder.
fn live_files(ws: &Workspace, root: &Path) -> Vec<String> {
    ws.live_paths()
        .filter_map(|path| match path.strip_prefix(root) {
            // Paths the workspace holds are absolute and normalised already: one of 12,500
            // needs only its prefix taken off, not a second normalisation.
            Ok(rel) if cfg!(unix) => rel.to_str().map(str::to_owned),
            _ => relative(&Cwd::current().absolute(path), root),
        })
        .collect()
}

fn settings_paths(ws: &Workspace, root: &Path) -> HashSet<String> {
    ws_settings_in_order(ws, root)
        .unwrap_or_default()
        .into_iter()
        .collect()
}

fn ws_settings_in_order(ws: &Workspace, root: &Path) -> Option<Vec<String>> {
    let cwd = Cwd::current();
    ws.settings()
        .files()
        .iter()
        .map(|p| relative(&cwd.absolute(p), root))
        .collect()
}

fn is_config_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    CONFIG_NAMES.contains(&name)
}

/// `a/b.yaml` for `top/a/b.yaml`; `None` outside `top`.
fn relative(path: &Path, top: &Path) -> Option<String> {
    // Discovery's paths are normalised already: for the working tree's 12,500 files, taking
    // the prefix off their bytes spares normalising and comparing them by component.
    if cfg!(unix)
        && let (Some(p), Some(t)) = (path.to_str(), top.to_str())
        && let Some(rest) = p.strip_prefix(t).and_then(|r| r.strip_prefix('/'))
        && !rest.is_empty()
        && crate::paths::is_normalised(path)
        && crate::paths::is_normalised(top)
    {
        return Some(rest.to_owned());
    }
    let path = crate::paths::normalise(path);
    let rel = path.strip_prefix(crate::paths::normalise(top)).ok()?;
    let parts: Vec<&str> = rel
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect::<Option<_>>()?;
    Some(parts.join("/"))
}
