//! Which folder is the catalogue, when no `catalint.yaml` says. Editors name a workspace
//! folder by their own markers (`.git`, the current folder, the file's folder); opened on
//! `services/` of a catalogue whose teams live in `teams/`, every team reference would be
//! a false `unresolved-reference`. So without a config the server widens the folder to
//! the catalogue's top: it goes up while the folder above holds catalogue documents
//! besides the ones below, never past a repository's top (`.git`), the home folder or the
//! file system's root. With a config at or above the folder, the config decides, as for
//! `catalint check`.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::catalogue::API_VERSION;

/// How many YAML files a look beside a folder reads at most (their first 4 KiB each), and
/// how deep it goes: enough to see `teams/` beside `services/`, cheap on a large tree.
const LOOK_FILES: usize = 200;
const LOOK_DEPTH: usize = 3;

/// The catalogue folder for a folder the editor named, and whether it was widened.
pub fn catalogue_root(named: &Path) -> PathBuf {
    if crate::settings::config::discover(named).is_some() {
        return named.to_path_buf();
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let mut root = named.to_path_buf();
    loop {
        if root.join(".git").exists() {
            break;
        }
        let Some(parent) = root.parent() else { break };
        if parent.parent().is_none() || home.as_deref() == Some(parent) {
            break;
        }
        if !catalogue_documents_beside(parent, &root) {
            break;
        }
        root = parent.to_path_buf();
    }
    root
}

/// Whether `parent` holds catalogue documents outside its sub-folder `child`.
fn catalogue_documents_beside(parent: &Path, child: &Path) -> bool {
    let child = child.to_path_buf();
    let walker = ignore::WalkBuilder::new(parent)
        .hidden(true)
        .git_ignore(true)
        .require_git(false)
        .max_depth(Some(LOOK_DEPTH))
        .follow_links(false)
        .filter_entry(move |e| e.path() != child)
        .build();
    walker
        .flatten()
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .filter(|e| crate::discover::is_catalogue_file(e.path()))
        .take(LOOK_FILES)
        .any(|e| is_catalogue_document(e.path()))
}

/// Whether a file's first lines name catalint's `apiVersion` or a Backstage one.
fn is_catalogue_document(path: &Path) -> bool {
    let mut head = Vec::with_capacity(4096);
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    if file.take(4096).read_to_end(&mut head).is_err() {
        return false;
    }
    String::from_utf8_lossy(&head).lines().any(|l| {
        let Some(v) = l.strip_prefix("apiVersion:") else {
            return false;
        };
        let v = v.trim().trim_matches(['"', '\'']);
        v == API_VERSION || v.starts_with("backstage.io/")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn a_sub_folder_widens_to_the_catalogue_but_not_past_it() {
        let tmp = tempfile::tempdir().unwrap();
        let top = tmp.path().join("work");
        let cat = top.join("catalogue");
        let doc = "apiVersion: catalogue/v1\nkind: Team\n";
        write(&cat.join("services/a.yaml"), doc);
        write(&cat.join("teams/t.yaml"), doc);
        // Beside the catalogue: YAML that is no catalogue document.
        write(&top.join("mkdocs.yml"), "site_name: x\n");
        assert_eq!(catalogue_root(&cat.join("services")), cat);
        assert_eq!(catalogue_root(&cat), cat);
        // A repository's top is as far as it goes.
        std::fs::create_dir_all(cat.join("services/.git")).unwrap();
        assert_eq!(catalogue_root(&cat.join("services")), cat.join("services"));
        std::fs::remove_dir(cat.join("services/.git")).unwrap();
        // A config decides.
        write(&cat.join("services/catalint.yaml"), "include: ['**']\n");
        assert_eq!(catalogue_root(&cat.join("services")), cat.join("services"));
    }
}
