//! The random edits the property tests take a catalogue through (tests/workspace.rs compares
//! a workspace with fresh checks after each; tests/cache.rs compares cached runs with
//! uncached ones): one generator, so that both meet the same kinds of change.

use std::path::{Path, PathBuf};

/// A small deterministic generator (xorshift64*): the same sequences on every run.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The catalogue's YAML files under `dir`, sorted (a `catalint.yaml` config is not one).
pub fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(yaml_files(&path));
        } else if path.extension().is_some_and(|e| e == "yaml") && !path.ends_with("catalint.yaml")
        {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The fixture's files as (path relative to it, text): what a restore step writes back.
pub fn originals_of(fixture: &Path) -> Vec<(PathBuf, String)> {
    yaml_files(fixture)
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p.strip_prefix(fixture).unwrap().to_path_buf(), text)
        })
        .collect()
}

/// Which catalogue the edits are made for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `fixtures/catalogue`, in the catalogue format.
    Catalogue,
    /// `fixtures/backstage/catalogue`, under the `backstage` profile.
    Backstage,
}

/// One random edit of the catalogue in `dir`: the new text of a file (`None`: deleted).
pub fn edit(
    rng: &mut Rng,
    shape: Shape,
    dir: &Path,
    originals: &[(PathBuf, String)],
) -> (PathBuf, Option<String>) {
    match shape {
        Shape::Catalogue => catalogue_edit(rng, dir, originals),
        Shape::Backstage => backstage_edit(rng, dir, originals),
    }
}

fn text_of(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_default()
}

/// An id renamed where it is defined or where it is named, a reference broken, a hard
/// dependency added (often closing a cycle), broken YAML, a file deleted, copied under a new
/// name (sorting before or after the others) or restored, a suppression comment, an owner
/// made a team's mailbox, an availability target moved.
fn catalogue_edit(
    rng: &mut Rng,
    dir: &Path,
    originals: &[(PathBuf, String)],
) -> (PathBuf, Option<String>) {
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
    match rng.below(12) {
        // A person's mailbox and a team's made one: an owner that is a team
        // (`individual-owner`), from either side, which redoes the owners of every file.
        10 => match rng.below(2) {
            0 => {
                let path = rng.pick(&files).clone();
                let text = text_of(&path).replacen(
                    "serviceOwner: omar.haddad@example.org",
                    "serviceOwner: platform@example.org",
                    1,
                );
                (path, Some(text))
            }
            _ => {
                let path = dir.join("teams/teams.yaml");
                let text = text_of(&path).replacen(
                    "email: hr-systems@example.org",
                    "email: sam.lee@example.org",
                    1,
                );
                (path, Some(text))
            }
        },
        // An availability target moved: above what a service's hard dependencies allow, or
        // a dependency's lowered (`availability-exceeds-dependencies` for its dependants).
        11 => {
            let path = rng.pick(&files).clone();
            let to = rng.pick(&["99.999", "99.0", "100"]);
            let text = text_of(&path)
                .replacen("target: 99.95", &format!("target: {to}"), 1)
                .replacen("target: 99.8,", &format!("target: {to},"), 1);
            (path, Some(text))
        }
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
        // Copy a file under a new name: its ids are now shared. New files sort before and
        // after the others (discovery's order decides which of two ids is reported).
        6 => {
            let from = rng.pick(&files).clone();
            let folder = rng.pick(&["copies", "zz-copies"]);
            let to = dir.join(format!("{folder}/copy-{}.yaml", rng.below(3)));
            (to, Some(text_of(&from)))
        }
        // A suppression comment: suppressions are applied after the rules, on the text.
        7 => {
            let path = rng.pick(&files).clone();
            let text = format!("# catalint-disable-file unique-id\n{}", text_of(&path));
            (path, Some(text))
        }
        // Restore a file as the fixture has it (bringing a deleted one back).
        _ => {
            let (rel, text) = rng.pick(originals).clone();
            (dir.join(rel), Some(text))
        }
    }
}

/// A name renamed where it is defined or where it is named (in any of the forms a reference
/// takes), a reference broken, a dependency that closes a cycle, a namespace moved, broken
/// YAML, a file deleted, copied or restored.
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
