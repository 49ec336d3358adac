//! The snapshot file: a header, then part A (the catalogue's findings and one entry per
//! file: path, text hash, findings, ids) and part B (each file's documents, in entry order).
//!
//! ```text
//! magic "catalint-cache\n"  format u32  key u64
//! len(A) u64  xxh3(A) u64  len(B) u64  xxh3(B) u64
//! A  B
//! ```

use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::Hash;
use super::findings::{self as c, read_diagnostics, read_kind};
use crate::catalogue::Kind;
use crate::codec::{Reader, Writer};
use crate::diagnostic::Diagnostic;
use crate::load::{Document, Limits};
use crate::source::FileId;

const MAGIC: &[u8; 15] = b"catalint-cache\n";
/// Bumped whenever what is written changes meaning.
pub(crate) const FORMAT: u32 = 1;
const HEADER: usize = MAGIC.len() + 4 + 8 + 4 * 8;

/// What a check kept for one file, for writing. File ids in findings are positions in the
/// list of records.
pub(crate) struct Record<'a> {
    pub path: &'a Path,
    pub hash: Hash,
    pub loaded: &'a [Diagnostic],
    /// Per document: the schema's findings and the pointers that broke it.
    pub schema: Vec<(&'a [Diagnostic], &'a [String])>,
    pub own: &'a [Diagnostic],
    pub across: &'a [Diagnostic],
    pub ids: Vec<(Kind, &'a str)>,
    pub docs: Docs<'a>,
}

/// A file's documents, for writing.
pub(crate) enum Docs<'a> {
    /// Kept only when loaded lazily; else the file is parsed again when its results are used.
    Encode(Vec<&'a Document>),
    /// Unchanged since the snapshot read at the start of the run: its bytes again.
    Copy(&'a [u8]),
}

/// Writes a snapshot atomically (a temporary file in the same folder, renamed).
pub(crate) fn save(
    path: &Path,
    key: u64,
    entities: usize,
    wide: &[Diagnostic],
    records: &[Record<'_>],
) -> std::io::Result<()> {
    let parts: Vec<(Vec<u8>, Vec<u8>)> = records.par_iter().map(encode_record).collect();
    let mut a = Writer::default();
    a.usize(entities);
    c::diagnostics(&mut a, wide);
    a.usize(records.len());
    let a_len = a.buf.len() + parts.iter().map(|p| p.0.len()).sum::<usize>();
    let b_len: usize = parts.iter().map(|p| p.1.len()).sum();
    let mut out = Vec::with_capacity(HEADER + a_len + b_len);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&key.to_le_bytes());
    out.extend_from_slice(&[0; 32]);
    out.extend_from_slice(&a.buf);
    for (part, _) in &parts {
        out.extend_from_slice(part);
    }
    for (_, part) in &parts {
        out.extend_from_slice(part);
    }
    let lens = MAGIC.len() + 4 + 8;
    let a_range = HEADER..HEADER + a_len;
    let sums = [
        a_len as u64,
        xxhash_rust::xxh3::xxh3_64(&out[a_range.clone()]),
        b_len as u64,
        xxhash_rust::xxh3::xxh3_64(&out[a_range.end..]),
    ];
    for (i, v) in sums.iter().enumerate() {
        out[lens + 8 * i..lens + 8 * (i + 1)].copy_from_slice(&v.to_le_bytes());
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    if !dir.is_dir() {
        std::fs::create_dir_all(dir)?;
        // Backup tools skip folders tagged so (https://bford.info/cachedir/).
        let _ = std::fs::write(
            dir.join("CACHEDIR.TAG"),
            "Signature: 8a477f597d28d172789f06886806bc55\n# catalint's cache: safe to delete.\n",
        );
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("cache");
    let tmp = dir.join(format!(".{name}.{}.{nanos}.tmp", std::process::id()));
    let written = std::fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(&out))
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

fn encode_record(r: &Record<'_>) -> (Vec<u8>, Vec<u8>) {
    let mut a = Writer::default();
    a.str(r.path.to_str().unwrap_or(""));
    a.u64(r.hash as u64);
    a.u64((r.hash >> 64) as u64);
    let mut results = Writer::default();
    c::diagnostics(&mut results, r.loaded);
    results.usize(r.schema.len());
    for (findings, failed) in &r.schema {
        c::diagnostics(&mut results, findings);
        results.usize(failed.len());
        for p in *failed {
            results.str(p);
        }
    }
    c::diagnostics(&mut results, r.own);
    c::diagnostics(&mut results, r.across);
    a.bytes(&results.buf);
    let mut ids = Writer::default();
    ids.usize(r.ids.len());
    for (kind, id) in &r.ids {
        c::kind(&mut ids, *kind);
        ids.str(id);
    }
    a.bytes(&ids.buf);
    let mut b = Writer::default();
    let kept = match &r.docs {
        Docs::Copy(bytes) => {
            b.buf.extend_from_slice(bytes);
            true
        }
        Docs::Encode(docs) => crate::load::tree::persist::encode_documents(docs, &mut b),
    };
    if !kept {
        b.buf.clear();
    }
    a.bool(kept);
    a.usize(b.buf.len());
    (a.buf, b.buf)
}

/// A snapshot read back and checked: entries are decoded on demand.
pub(crate) struct Snapshot {
    bytes: Vec<u8>,
    pub entities: usize,
    wide: Range<usize>,
    pub files: Vec<Entry>,
}

/// One file of a snapshot.
pub(crate) struct Entry {
    pub path: PathBuf,
    pub hash: Hash,
    results: Range<usize>,
    ids: Range<usize>,
    docs: Option<Range<usize>>,
}

/// A file's findings as a snapshot kept them, in the new run's file ids.
pub(crate) struct Results {
    pub loaded: Vec<Diagnostic>,
    pub schema: Vec<(Vec<Diagnostic>, Vec<String>)>,
    pub own: Vec<Diagnostic>,
    pub across: Vec<Diagnostic>,
}

impl Snapshot {
    /// Reads the snapshot at `path`; `None` when there is none, or it is not whole, not of
    /// this format, not for `key`, or does not decode.
    pub fn read(path: &Path, key: u64) -> Option<Snapshot> {
        let bytes = std::fs::read(path).ok()?;
        Self::parse(bytes, key)
    }

    fn parse(bytes: Vec<u8>, key: u64) -> Option<Snapshot> {
        let mut r = Reader::new(&bytes);
        if r.take(MAGIC.len())? != MAGIC || r.u32()? != FORMAT || r.u64()? != key {
            return None;
        }
        let a_len = usize::try_from(r.u64()?).ok()?;
        let a_sum = r.u64()?;
        let b_len = usize::try_from(r.u64()?).ok()?;
        let b_sum = r.u64()?;
        let a_end = HEADER.checked_add(a_len)?;
        if a_end.checked_add(b_len)? != bytes.len() {
            return None;
        }
        let (a, b) = (&bytes[HEADER..a_end], &bytes[a_end..]);
        if xxhash_rust::xxh3::xxh3_64(a) != a_sum || xxhash_rust::xxh3::xxh3_64(b) != b_sum {
            return None;
        }
        let mut r = Reader::new(a);
        let at = |r: &Reader<'_>| HEADER + r.position();
        let entities = r.usize()?;
        let start = at(&r);
        // Checked now, decoded when used.
        read_diagnostics(&mut r, &|i| Some(FileId(i)))?;
        let wide = start..at(&r);
        let n = r.count(16)?;
        let mut files = Vec::with_capacity(n);
        let mut b_at = a_end;
        for _ in 0..n {
            let path = PathBuf::from(r.str()?);
            let hash = Hash::from(r.u64()?) | (Hash::from(r.u64()?) << 64);
            let len = r.usize()?;
            let results = at(&r)..at(&r) + len;
            r.take(len)?;
            let len = r.usize()?;
            let ids = at(&r)..at(&r) + len;
            r.take(len)?;
            let kept = r.bool()?;
            let len = r.usize()?;
            let docs = b_at..b_at.checked_add(len)?;
            b_at = docs.end;
            files.push(Entry {
                path,
                hash,
                results,
                ids,
                docs: kept.then_some(docs),
            });
        }
        if !r.at_end() || b_at != bytes.len() {
            return None;
        }
        Some(Snapshot {
            bytes,
            entities,
            wide,
            files,
        })
    }

    /// The findings of the index and the catalogue-wide rules.
    pub fn wide(&self, file: &dyn Fn(u32) -> Option<FileId>) -> Option<Vec<Diagnostic>> {
        read_diagnostics(&mut Reader::new(&self.bytes[self.wide.clone()]), file)
    }

    /// A file's findings; `None` when one names a file the new run does not have.
    pub fn results(&self, i: usize, file: &dyn Fn(u32) -> Option<FileId>) -> Option<Results> {
        let e = self.files.get(i)?;
        let mut r = Reader::new(self.bytes.get(e.results.clone())?);
        let loaded = read_diagnostics(&mut r, file)?;
        let n = r.count(2)?;
        let mut schema = Vec::with_capacity(n);
        for _ in 0..n {
            let findings = read_diagnostics(&mut r, file)?;
            let m = r.count(1)?;
            let mut failed = Vec::with_capacity(m);
            for _ in 0..m {
                failed.push(r.str()?.to_owned());
            }
            schema.push((findings, failed));
        }
        let own = read_diagnostics(&mut r, file)?;
        let across = read_diagnostics(&mut r, file)?;
        r.at_end().then_some(Results {
            loaded,
            schema,
            own,
            across,
        })
    }

    /// The ids a file's entities had, with their kinds.
    pub fn ids(&self, i: usize) -> Option<Vec<(Kind, Box<str>)>> {
        let e = self.files.get(i)?;
        let mut r = Reader::new(self.bytes.get(e.ids.clone())?);
        let n = r.count(2)?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push((read_kind(&mut r)?, r.str()?.into()));
        }
        Some(out)
    }

    /// Whether the snapshot kept the file's documents.
    pub fn has_documents(&self, i: usize) -> bool {
        self.files.get(i).is_some_and(|e| e.docs.is_some())
    }

    /// A file's documents as written, for a new snapshot of the same text.
    pub fn document_bytes(&self, i: usize) -> Option<&[u8]> {
        self.bytes.get(self.files.get(i)?.docs.clone()?)
    }

    /// A file's documents, for its text `text` (the one the snapshot hashed).
    pub fn documents(&self, i: usize, text: &Arc<str>, limits: &Limits) -> Option<Vec<Document>> {
        let mut r = Reader::new(self.document_bytes(i)?);
        let docs = crate::load::tree::persist::decode_documents(&mut r, text, limits)?;
        r.at_end().then_some(docs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Label, Severity};
    use crate::source::Location;

    fn sample(dir: &Path) -> PathBuf {
        let path = dir.join("snap.bin");
        let text: Arc<str> = "a: 1\n".into();
        let loaded = crate::load::load_fast(FileId(0), &text, &Limits::default());
        let built = crate::load::load(FileId(1), "b: 2\n", &Limits::default());
        let d = Diagnostic::new(
            "unique-id",
            Severity::Error,
            "m",
            Label::new(Location::new(FileId(1), 0..1), "l"),
        );
        let records = [
            Record {
                path: Path::new("/x/a.yaml"),
                hash: 7 | (9 << 64),
                loaded: &[],
                schema: vec![],
                own: std::slice::from_ref(&d),
                across: &[],
                ids: vec![(Kind::Service, "svc-a")],
                docs: Docs::Encode(loaded.documents.iter().collect()),
            },
            Record {
                path: Path::new("/x/b.yaml"),
                hash: 3,
                loaded: &[],
                schema: vec![],
                own: &[],
                across: &[],
                ids: vec![],
                // Loaded with spans built at once: not kept.
                docs: Docs::Encode(built.documents.iter().collect()),
            },
        ];
        save(&path, 42, 1, std::slice::from_ref(&d), &records).unwrap();
        path
    }

    #[test]
    fn a_snapshot_reads_back_and_a_damaged_one_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = sample(dir.path());
        let s = Snapshot::read(&path, 42).expect("reads back");
        assert_eq!(s.entities, 1);
        assert_eq!(s.files.len(), 2);
        assert_eq!(s.files[0].hash, 7 | (9 << 64));
        assert_eq!(s.ids(0).unwrap(), vec![(Kind::Service, "svc-a".into())]);
        assert!(s.has_documents(0) && !s.has_documents(1));
        let text: Arc<str> = "a: 1\n".into();
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
    }
}
