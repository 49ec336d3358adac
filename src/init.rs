//! `catalint init`: a first `catalint.yaml` whose `include` covers the folders that hold
//! catalogue files, so that the pre-commit hook works in one step. A folder is included
//! whole (`services/**`) when every YAML file below it is a catalogue document; a folder
//! that also holds other YAML (workflows, `mkdocs.yml`) is entered, and only its catalogue
//! files and purely-catalogue subfolders are named. The top folder is never included
//! whole: a YAML file added there later is not silently part of the catalogue. A
//! repository whose entities are Backstage's (`catalog-info.yaml`) and none catalint's gets
//! a config for the `backstage` profile.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::catalogue::API_VERSION;
use crate::discover::{self, Found, Globs};
use crate::error::RunError;
use crate::load::{self, Limits, View};
use crate::paths::Cwd;
use crate::source::FileId;

/// What a YAML file is, as far as `init` cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Catalogue,
    /// A Backstage entity (`apiVersion: backstage.io/...`).
    Backstage,
    Policy,
    Other,
}

/// The proposed config, and how many catalogue files it covers.
#[derive(Debug)]
pub struct Proposal {
    pub text: String,
    pub catalogue_files: usize,
}

/// Looks at every YAML file under `dir` (honouring `.gitignore`) and proposes a config.
pub fn propose(dir: &Path) -> Result<Proposal, RunError> {
    let cwd = Cwd::current();
    let root = cwd.absolute(dir);
    let show = |p: &Path| cwd.show(p, dir.is_absolute());
    let found = discover::walk(std::slice::from_ref(&root), &Globs::new(&root, &[])?, &show)?;
    let mut files: Vec<(PathBuf, Role)> = Vec::with_capacity(found.len());
    for f in found {
        let Found::File(path) = f else { continue };
        let Ok(rel) = path.strip_prefix(&root) else {
            continue;
        };
        let role = std::fs::read_to_string(&path).map_or(Role::Other, |t| role_of(&t));
        files.push((rel.to_path_buf(), role));
    }
    let mut catalogue_files = files.iter().filter(|(_, r)| *r == Role::Catalogue).count();
    // Backstage entities and none of catalint's own: a Backstage catalogue, whose files are
    // the catalogue (catalint's own format would be other YAML to it).
    let backstage = catalogue_files == 0 && files.iter().any(|(_, r)| *r == Role::Backstage);
    for (_, role) in &mut files {
        *role = match (*role, backstage) {
            (Role::Backstage, true) => Role::Catalogue,
            (Role::Backstage, false) => Role::Other,
            (r, _) => r,
        };
    }
    if backstage {
        catalogue_files = files.iter().filter(|(_, r)| *r == Role::Catalogue).count();
    }
    if catalogue_files == 0 {
        return Err(RunError::Usage(format!(
            "no catalogue files under `{}`: a catalogue document starts with `apiVersion: {API_VERSION}` \
             and a `kind` (Service, Product or Team), or is a Backstage entity (`apiVersion: backstage.io/v1alpha1`); \
             write one, then run `catalint init` again",
            show(&root)
        )));
    }
    let include = cover(&files);
    let policies: Vec<&PathBuf> = files
        .iter()
        .filter(|(_, r)| *r == Role::Policy)
        .map(|(p, _)| p)
        .collect();
    let mut text = String::from(
        "# catalint's settings: which files make up the catalogue, and the rules' settings.\n\
         # Written by `catalint init`; see `catalint schema Config` for every key.\n",
    );
    match policies.as_slice() {
        [policy] => text.push_str(&format!("policy: {}\n", yaml_string(&slashed(policy)))),
        _ if backstage => text.push_str(
            "# A Backstage catalogue: the built-in `backstage` profile (or a policy that extends it).\n\
             policy: backstage\n",
        ),
        _ => {}
    }
    text.push_str("include:\n");
    for pattern in &include {
        text.push_str(&format!("  - {}\n", yaml_string(pattern)));
    }
    Ok(Proposal {
        text,
        catalogue_files,
    })
}

/// Whether a file holds catalogue documents, a policy, or something else.
fn role_of(text: &str) -> Role {
    let text: Arc<str> = Arc::from(text);
    let loaded = load::load_fast(FileId(0), &text, &Limits::default());
    let mut role = Role::Other;
    for doc in &loaded.documents {
        let root = doc.value.root();
        let field = |k: &str| root.get(k).and_then(|n| n.as_str());
        let backstage = field("apiVersion").is_some_and(|v| {
            crate::catalogue::backstage::all_api_versions().any(|b| b == v)
                || v.starts_with("backstage.io/")
        });
        if backstage && field("kind").is_some() {
            role = Role::Backstage;
            continue;
        }
        if field("apiVersion") != Some(API_VERSION) {
            continue;
        }
        match field("kind") {
            Some("Policy") => role = Role::Policy,
            Some(_) if matches!(root.view(), View::Object(_)) => return Role::Catalogue,
            _ => {}
        }
    }
    role
}

/// The globs that cover every catalogue file and no other YAML file.
fn cover(files: &[(PathBuf, Role)]) -> Vec<String> {
    // For each folder (relative, "" for the top): whether any non-catalogue YAML lies
    // below it.
    let mut mixed: BTreeMap<PathBuf, bool> = BTreeMap::new();
    for (path, role) in files {
        let other = *role != Role::Catalogue;
        for folder in path.ancestors().skip(1) {
            let entry = mixed.entry(folder.to_path_buf()).or_insert(false);
            *entry |= other;
        }
    }
    let mut out = Vec::new();
    for (path, role) in files {
        if *role != Role::Catalogue {
            continue;
        }
        // The outermost folder below the top that holds only catalogue files.
        let folders: Vec<&Path> = path.ancestors().skip(1).collect();
        let whole = folders
            .iter()
            .rev()
            .filter(|f| !f.as_os_str().is_empty())
            .find(|f| mixed.get(**f) == Some(&false));
        let pattern = match whole {
            Some(folder) => format!("{}/**", slashed(folder)),
            None => slashed(path),
        };
        if !out.contains(&pattern) {
            out.push(pattern);
        }
    }
    out
}

fn slashed(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// A YAML string: plain when that reads back as the same string, quoted otherwise.
fn yaml_string(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
        && !s.starts_with(['-', '.']);
    if plain {
        s.to_owned()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, Role)]) -> Vec<(PathBuf, Role)> {
        list.iter().map(|(p, r)| (PathBuf::from(p), *r)).collect()
    }

    #[test]
    fn folders_of_catalogue_files_only_are_included_whole() {
        let got = cover(&files(&[
            ("services/a.yaml", Role::Catalogue),
            ("services/deep/b.yaml", Role::Catalogue),
            ("teams.yaml", Role::Catalogue),
            ("mkdocs.yml", Role::Other),
            (".github/workflows/ci.yaml", Role::Other),
            ("docs/catalogue/c.yaml", Role::Catalogue),
            ("docs/other.yaml", Role::Other),
            ("policies/p.yaml", Role::Policy),
        ]));
        assert_eq!(got, ["services/**", "teams.yaml", "docs/catalogue/**"]);
    }

    #[test]
    fn roles() {
        assert_eq!(
            role_of("apiVersion: catalogue/v1\nkind: Team\nmetadata: {id: a}\n"),
            Role::Catalogue
        );
        assert_eq!(
            role_of("apiVersion: catalogue/v1\nkind: Policy\nspec: {}\n"),
            Role::Policy
        );
        assert_eq!(role_of("on: push\njobs: {}\n"), Role::Other);
        assert_eq!(
            role_of("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: a}\n"),
            Role::Backstage
        );
        assert_eq!(role_of(": : :"), Role::Other);
        assert_eq!(yaml_string("services/**"), "\"services/**\"");
        assert_eq!(yaml_string("teams.yaml"), "teams.yaml");
    }
}
