//! A snapshot is trusted only when it is whole, of this format and of this run's key: a
//! snapshot that lies (a finding no check makes) is written with every checksum right,
//! shown to be believed as it is (the control), then damaged one way at a time, and each
//! damaged copy must give the uncached check's findings.

use std::path::{Path, PathBuf};

use super::Workspace;
use crate::cache::{self, Body, Record, Snapshot};
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::settings::{CheckOptions, ConfigChoice};
use crate::source::{FileId, Location};

const LIE: &str = "a finding only the lying snapshot holds";

fn catalogue(root: &Path) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/catalogue");
    let to = root.join("catalogue");
    for entry in walk(&from) {
        let dest = to.join(entry.strip_prefix(&from).unwrap());
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &dest).unwrap();
    }
    to
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn findings(ws: &Workspace) -> String {
    format!("{:#?}", ws.diagnostics())
}

/// The snapshot file in `dir`: the only `.bin` there.
fn snapshot_file(dir: &Path) -> PathBuf {
    let bins: Vec<PathBuf> = walk(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "bin"))
        .collect();
    assert_eq!(bins.len(), 1, "{bins:?}");
    bins[0].clone()
}

/// Rewrites the honest snapshot at `path` with one extra catalogue-wide finding.
fn lie(path: &Path, key: u64) {
    let s = Snapshot::read(path, key).expect("the honest snapshot reads back");
    let same = |i: u32| Some(FileId(i));
    let (indexed, mut wide) = s.wide_parts(&same).unwrap();
    wide.whole.push(Diagnostic::new(
        "unique-id",
        Severity::Error,
        LIE,
        Label::new(Location::new(FileId(0), 0..1), "here"),
    ));
    let results: Vec<_> = (0..s.files.len())
        .map(|i| (s.results(i, &same).unwrap(), s.ids(i).unwrap()))
        .collect();
    let records: Vec<Record<'_>> = results
        .iter()
        .enumerate()
        .map(|(i, (r, ids))| Record {
            path: &s.files[i].path,
            hash: s.files[i].hash,
            loaded: &r.loaded,
            schema: r.schema.iter().map(|(f, p)| (&f[..], &p[..])).collect(),
            own: &r.own,
            across: &r.across,
            ids: ids.iter().map(|(k, id)| (*k, &**id)).collect(),
            stat: s.files[i].stat,
            body: match s.stored(i) {
                Some(stored) => Body::Stored(stored),
                None => Body::None,
            },
        })
        .collect();
    cache::save(path, key, s.started, s.entities, &indexed, &wide, &records).unwrap();
}

#[test]
fn a_damaged_foreign_or_unwritable_snapshot_is_never_trusted() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = catalogue(tmp.path());
    let cache_dir = tmp.path().join("cache");
    let opts = CheckOptions {
        paths: vec![dir.clone()],
        config: ConfigChoice::None,
        ..CheckOptions::default()
    };
    let uncached = findings(&Workspace::open(&opts).unwrap());
    let first = Workspace::open_cached(&opts, &cache_dir).unwrap();
    assert_eq!(findings(&first), uncached);
    let key = cache::key(&first.settings, &opts, first.cwd.dir());
    let path = snapshot_file(&cache_dir);

    // The control: a lying snapshot with every checksum right is replayed as it is.
    lie(&path, key);
    let lying = std::fs::read(&path).unwrap();
    let believed = findings(&Workspace::open_cached(&opts, &cache_dir).unwrap());
    assert!(believed.contains(LIE), "the control must see the lie");

    // MAGIC (15 bytes), format (u32), key (u64), then the lengths and checksums.
    let mut damaged: Vec<(&str, Vec<u8>)> = Vec::new();
    let mut foreign_format = lying.clone();
    foreign_format[15] = foreign_format[15].wrapping_add(1);
    damaged.push(("another format", foreign_format));
    let mut foreign_key = lying.clone();
    foreign_key[19] ^= 1;
    damaged.push(("another key (binary version, settings)", foreign_key));
    for cut in [0, 10, 30, 60, lying.len() / 2, lying.len() - 1] {
        damaged.push(("truncated", lying[..cut].to_vec()));
    }
    for at in [70, lying.len() / 3, lying.len() - 2] {
        let mut b = lying.clone();
        b[at] ^= 0x55;
        damaged.push(("a corrupt byte", b));
    }
    let mut longer = lying.clone();
    longer.extend_from_slice(b"trailing");
    damaged.push(("trailing bytes", longer));
    damaged.push(("not a snapshot at all", b"\x00garbage\xff".repeat(50)));
    for (what, bytes) in damaged {
        std::fs::write(&path, &bytes).unwrap();
        let ws = Workspace::open_cached(&opts, &cache_dir).unwrap();
        assert_eq!(findings(&ws), uncached, "{what}");
        // And the run wrote an honest snapshot in its place.
        let again = findings(&Workspace::open_cached(&opts, &cache_dir).unwrap());
        assert_eq!(again, uncached, "{what}, the run after");
        std::fs::write(&path, &lying).unwrap();
    }

    // A snapshot of other settings (a rule level given) is another key: not replayed.
    let other = CheckOptions {
        rule_levels: vec![("unique-id".into(), crate::policy::Level::Warning)],
        ..opts.clone()
    };
    let fresh_other = findings(&Workspace::open(&other).unwrap());
    std::fs::write(&path, &lying).unwrap();
    assert_eq!(
        findings(&Workspace::open_cached(&other, &cache_dir).unwrap()),
        fresh_other
    );

    // A cache folder that cannot be made (under a file): the check runs, uncached.
    let blocked = tmp.path().join("a-file");
    std::fs::write(&blocked, "").unwrap();
    let ws = Workspace::open_cached(&opts, &blocked.join("cache")).unwrap();
    assert_eq!(findings(&ws), uncached);
    // A snapshot path that is a folder: neither read nor written over.
    let odd = tmp.path().join("odd");
    std::fs::create_dir_all(&odd).unwrap();
    std::fs::create_dir_all(odd.join(path.file_name().unwrap())).unwrap();
    let ws = Workspace::open_cached(&opts, &odd).unwrap();
    assert_eq!(findings(&ws), uncached);
}
