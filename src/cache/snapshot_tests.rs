use super::*;
use crate::diagnostic::{Label, Severity};
use crate::rules::wide::Parts;
use crate::source::Location;

const A: &str = "a: 1\n";

fn sample(dir: &Path) -> PathBuf {
    let path = dir.join("snap.bin");
    let text: Arc<str> = A.into();
    let loaded = crate::load::load_fast(FileId(0), &text, &Limits::default());
    let built = crate::load::load(FileId(1), "b: 2\n", &Limits::default());
    let d = Diagnostic::new(
        "unique-id",
        Severity::Error,
        "m",
        Label::new(Location::new(FileId(1), 0..1), "l"),
    );
    let stat = Stat {
        size: 5,
        mtime: 11,
        ctime: 12,
        ino: 13,
    };
    let records = [
        Record {
            path: Path::new("/x/a.yaml"),
            hash: 7 | (9 << 64),
            stat: Some(stat),
            loaded: &[],
            schema: vec![],
            own: std::slice::from_ref(&d),
            across: &[],
            ids: vec![(Kind::Service, "svc-a")],
            body: Body::Encode {
                text: A,
                docs: loaded.documents.iter().collect(),
            },
        },
        Record {
            path: Path::new("/x/b.yaml"),
            hash: 3,
            stat: None,
            loaded: &[],
            schema: vec![],
            own: &[],
            across: &[],
            ids: vec![],
            // Loaded with spans built at once: the text is kept, the documents not.
            body: Body::Encode {
                text: "b: 2\n",
                docs: built.documents.iter().collect(),
            },
        },
        Record {
            path: Path::new("/x/c.yaml"),
            hash: 0,
            stat: None,
            loaded: &[],
            schema: vec![],
            own: &[],
            across: &[],
            ids: vec![],
            body: Body::None,
        },
    ];
    save(
        &path,
        42,
        99,
        1,
        std::slice::from_ref(&d),
        &Parts::default(),
        &records,
    )
    .unwrap();
    path
}

fn packs(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pack"))
        .collect();
    out.sort();
    out
}

#[test]
fn a_snapshot_reads_back_and_a_damaged_one_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample(dir.path());
    let s = Snapshot::read(&path, 42).expect("reads back");
    assert_eq!((s.entities, s.started), (1, 99));
    assert_eq!(s.files.len(), 3);
    assert_eq!(s.files[0].hash, 7 | (9 << 64));
    assert_eq!(s.files[0].stat.map(|s| s.ino), Some(13));
    assert_eq!(s.files[1].stat, None);
    assert_eq!(s.ids(0).unwrap(), vec![(Kind::Service, "svc-a".into())]);
    assert!(s.has_documents(0) && !s.has_documents(1) && !s.has_documents(2));
    assert_eq!(s.text(0), Some(A));
    assert_eq!(s.text(1), Some("b: 2\n"));
    assert_eq!(s.text(2), None);
    let text: Arc<str> = A.into();
    assert_eq!(s.documents(0, &text, &Limits::default()).unwrap().len(), 1);
    let id = |i| Some(FileId(i));
    assert_eq!(s.results(0, &id).unwrap().own.len(), 1);
    assert_eq!(s.wide(&id).unwrap().len(), 1);
    assert!(Snapshot::read(&path, 43).is_none(), "another key");
    let bytes = std::fs::read(&path).unwrap();
    for cut in [0, 10, HEADER, bytes.len() / 2, bytes.len() - 1] {
        assert!(
            Snapshot::parse(bytes[..cut].to_vec(), 42).is_none(),
            "cut {cut}"
        );
    }
    for at in (0..bytes.len()).step_by(7) {
        let mut b = bytes.clone();
        b[at] ^= 0x20;
        assert!(Snapshot::parse(b, 42).is_none(), "flipped byte {at}");
    }
    // A pack damaged, cut short or gone: the snapshot is not used.
    let pack = packs(dir.path()).pop().expect("one pack");
    let good = std::fs::read(&pack).unwrap();
    let mut flipped = good.clone();
    flipped[2] ^= 1;
    for bad in [flipped, good[..good.len() - 1].to_vec()] {
        std::fs::write(&pack, bad).unwrap();
        assert!(Snapshot::read(&path, 42).is_none());
    }
    std::fs::remove_file(&pack).unwrap();
    assert!(Snapshot::read(&path, 42).is_none());
    std::fs::write(&pack, &good).unwrap();
    assert!(Snapshot::read(&path, 42).is_some());
    // Damaged documents (the pack's last bytes): the texts are still used, the documents
    // are not (their files are parsed again), and a copy of the body keeps no documents.
    let mut flipped = good.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    std::fs::write(&pack, flipped).unwrap();
    let s = Snapshot::read(&path, 42).expect("texts whole");
    assert_eq!(s.text(0), Some(A));
    assert!(s.documents(0, &text, &Limits::default()).is_none());
    assert!(s.stored(0).unwrap().docs().is_none());
}

#[test]
fn a_replay_reads_the_texts_and_not_the_documents() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample(dir.path());
    let s = Snapshot::read(&path, 42).unwrap();
    let pack = &s.packs[0];
    assert_eq!(pack.texts.len() as u64, pack.info.texts);
    assert_eq!(pack.texts, format!("{A}b: 2\n").as_bytes());
    assert!(
        pack.trees.get().is_none(),
        "documents not read with the index"
    );
    assert_eq!(s.text(1), Some("b: 2\n"));
    assert!(pack.trees.get().is_none());
    let text: Arc<str> = A.into();
    assert!(s.documents(0, &text, &Limits::default()).is_some());
    assert!(pack.trees.get().is_some_and(Option::is_some));
}

#[test]
fn a_second_snapshot_writes_only_the_bodies_that_changed() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample(dir.path());
    let s = Snapshot::read(&path, 42).unwrap();
    let first = packs(dir.path());
    assert_eq!(first.len(), 1);
    let record = |i: usize, body| Record {
        path: &s.files[i].path,
        hash: s.files[i].hash,
        stat: s.files[i].stat,
        loaded: &[],
        schema: vec![],
        own: &[],
        across: &[],
        ids: vec![],
        body,
    };
    let stored = |i| Body::Stored(s.stored(i).unwrap());
    // One file changed: a new pack with its body only, the old one still named.
    let changed = [
        record(0, stored(0)),
        record(
            1,
            Body::Encode {
                text: "b: 3\n",
                docs: vec![],
            },
        ),
    ];
    save(&path, 42, 100, 1, &[], &Parts::default(), &changed).unwrap();
    let after = packs(dir.path());
    assert_eq!(after.len(), 2);
    let small = after.iter().find(|p| !first.contains(p)).unwrap();
    // Its text and an empty list of documents.
    assert_eq!(std::fs::metadata(small).unwrap().len(), 6);
    let t = Snapshot::read(&path, 42).unwrap();
    assert_eq!(t.text(0), Some(A));
    assert_eq!(t.text(1), Some("b: 3\n"));
    assert!(t.has_documents(0));
    // Nothing left alive in the first pack but file 0's body, then not even that: written
    // again into one pack when most of what the packs hold is dead.
    let only_new = [record(
        1,
        Body::Encode {
            text: "b: 4\n",
            docs: vec![],
        },
    )];
    save(&path, 42, 101, 1, &[], &Parts::default(), &only_new).unwrap();
    let u = Snapshot::read(&path, 42).unwrap();
    assert_eq!(u.packs.len(), 1);
    assert_eq!(u.text(0), Some("b: 4\n"));
}

#[test]
fn restat_keeps_everything_but_the_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample(dir.path());
    let s = Snapshot::read(&path, 42).unwrap();
    let new = Stat {
        size: 5,
        mtime: 20,
        ctime: 21,
        ino: 22,
    };
    s.restat(42, 500, &[Some(new), None, None]).unwrap();
    let t = Snapshot::read(&path, 42).unwrap();
    assert_eq!((t.started, t.files[0].stat), (500, Some(new)));
    assert_eq!(t.text(0), Some(A));
    assert_eq!(t.ids(0).unwrap(), s.ids(0).unwrap());
    assert_eq!(t.wide(&|i| Some(FileId(i))).unwrap().len(), 1);
}
