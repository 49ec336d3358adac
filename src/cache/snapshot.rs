//! The snapshot: an index file and the packs it names.
//!
//! The index (`<stem>.bin`) holds the catalogue's findings and one entry per file: path, text
//! hash, metadata ([`Stat`]), findings, ids, and where the file's body lies: its text and its
//! documents, in a pack. Packs (`<stem>-<xxh3 of the pack>.pack`) are written once and never
//! changed; a run that changed a few files writes a pack of their bodies and a new index that
//! names the old packs for the rest, so that one file changed costs the index and one small
//! pack, not every body again. When the packs hold more dead bodies than live ones, or there
//! are more than [`MAX_PACKS`], the run writes every body into one new pack.
//!
//! ```text
//! index: magic "catalint-cache\n"  format u32  key u64  len(A) u64  xxh3(A) u64  A
//! A:     started  entities  wide findings  packs [(name u64, len u64)]  files [entry]
//! ```
//!
//! A pack is read only when its length and its xxh3 are those the index names (its name is
//! its hash), so a damaged pack, like a damaged index, makes the snapshot unused.

use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::Hash;
use super::findings::{self as c, read_diagnostics, read_kind};
use super::stat::Stat;
use crate::catalogue::Kind;
use crate::codec::{Reader, Writer};
use crate::diagnostic::Diagnostic;
use crate::load::{Document, Limits};
use crate::source::FileId;

const MAGIC: &[u8; 15] = b"catalint-cache\n";
/// Bumped whenever what is written changes meaning.
pub(crate) const FORMAT: u32 = 2;
const HEADER: usize = MAGIC.len() + 4 + 8 + 2 * 8;
/// Packs an index may name before a run writes them into one.
const MAX_PACKS: usize = 8;
/// How old a pack no index names must be before a run deletes it: a run side by side may
/// have just written it and be about to write the index that names it.
const STALE_SECS: u64 = 60;

/// What a check kept for one file, for writing. File ids in findings are positions in the
/// list of records.
pub(crate) struct Record<'a> {
    pub path: &'a Path,
    pub hash: Hash,
    /// The file's metadata as read before its text; `None`: never trusted without reading.
    pub stat: Option<Stat>,
    pub loaded: &'a [Diagnostic],
    /// Per document: the schema's findings and the pointers that broke it.
    pub schema: Vec<(&'a [Diagnostic], &'a [String])>,
    pub own: &'a [Diagnostic],
    pub across: &'a [Diagnostic],
    pub ids: Vec<(Kind, &'a str)>,
    pub body: Body<'a>,
}

/// A file's text and documents, for writing.
pub(crate) enum Body<'a> {
    /// To encode: the text, and the documents, which are kept only when loaded lazily (else
    /// the file is parsed again from its text when its results are used).
    Encode {
        text: &'a str,
        docs: Vec<&'a Document>,
    },
    /// Unchanged since the snapshot read at the start of the run: where it lies.
    Stored(Stored<'a>),
    /// A file that could not be read as text: nothing kept, never reused.
    None,
}

/// A body in a pack of the snapshot read at the start of the run.
#[derive(Clone, Copy)]
pub(crate) struct Stored<'a> {
    pack: u64,
    pack_len: u64,
    seg: Seg,
    bytes: &'a [u8],
}

/// Where a file's body lies in a pack.
#[derive(Clone, Copy, Debug, Default)]
struct Seg {
    pack: usize,
    at: usize,
    text: usize,
    docs: usize,
    has_text: bool,
    kept: bool,
}

impl Seg {
    fn range(&self) -> Range<usize> {
        self.at..self.at + self.text + self.docs
    }
}

/// One entry of an index, for writing: findings and ids already encoded.
struct Entry<'a> {
    path: &'a str,
    hash: Hash,
    stat: Option<Stat>,
    results: &'a [u8],
    ids: &'a [u8],
    seg: Seg,
}

/// Writes a snapshot: the bodies that are not stored yet in a new pack (or, when the packs
/// hold too much that is dead, every body in one), then the index. Each file is written to
/// a temporary file in the same folder and renamed, so a run side by side never sees half a
/// file; packs are written before the index that names them.
pub(crate) fn save(
    path: &Path,
    key: u64,
    started: i64,
    entities: usize,
    wide: &[Diagnostic],
    records: &[Record<'_>],
) -> std::io::Result<()> {
    let encoded: Vec<Encoded> = records.par_iter().map(encode_record).collect();
    // The old packs still named, and how much of them is live.
    let mut old: Vec<(u64, u64)> = Vec::new();
    let mut live = 0u64;
    for r in records {
        if let Body::Stored(s) = &r.body {
            live += s.bytes.len() as u64;
            if !old.iter().any(|(n, _)| *n == s.pack) {
                old.push((s.pack, s.pack_len));
            }
        }
    }
    let fresh: u64 = encoded
        .iter()
        .filter_map(|e| e.2.as_ref())
        .map(|(b, _)| b.len() as u64)
        .sum();
    let total: u64 = old.iter().map(|(_, l)| l).sum::<u64>() + fresh;
    let packs_after = old.len() + usize::from(fresh > 0);
    let compact = packs_after > MAX_PACKS || (live + fresh) * 2 < total;

    // The new pack: fresh bodies, and every stored one too when compacting.
    let mut pack = Vec::new();
    let mut segs: Vec<Seg> = Vec::with_capacity(records.len());
    let mut pending: Vec<usize> = Vec::new();
    for (i, (r, e)) in records.iter().zip(&encoded).enumerate() {
        let (bytes, mut seg) = match (&r.body, &e.2) {
            (_, Some((bytes, seg))) => (&bytes[..], *seg),
            (Body::Stored(s), None) if compact => (s.bytes, s.seg),
            (Body::Stored(s), None) => {
                let at = old.iter().position(|(n, _)| *n == s.pack).unwrap_or(0);
                segs.push(Seg { pack: at, ..s.seg });
                continue;
            }
            _ => {
                segs.push(Seg::default());
                continue;
            }
        };
        seg.at = pack.len();
        pack.extend_from_slice(bytes);
        segs.push(seg);
        pending.push(i);
    }
    let mut packs: Vec<(u64, u64)> = if compact { Vec::new() } else { old };
    let dir = path.parent().unwrap_or(Path::new("."));
    let stem = stem(path);
    if !dir.is_dir() {
        std::fs::create_dir_all(dir)?;
        // Backup tools skip folders tagged so (https://bford.info/cachedir/).
        let _ = std::fs::write(
            dir.join("CACHEDIR.TAG"),
            "Signature: 8a477f597d28d172789f06886806bc55\n# catalint's cache: safe to delete.\n",
        );
    }
    if !pack.is_empty() || !pending.is_empty() {
        let name = xxhash_rust::xxh3::xxh3_64(&pack);
        let at = packs.len();
        packs.push((name, pack.len() as u64));
        for i in pending {
            segs[i].pack = at;
        }
        let file = dir.join(pack_name(&stem, name));
        // The same name is the same bytes: one written by a run side by side will do.
        if std::fs::metadata(&file).map_or(true, |m| m.len() != pack.len() as u64) {
            write_atomic(&file, &pack)?;
        }
    }
    let entries: Vec<Entry<'_>> = records
        .iter()
        .zip(&encoded)
        .zip(&segs)
        .map(|((r, (results, ids, _)), seg)| Entry {
            path: r.path.to_str().unwrap_or(""),
            hash: r.hash,
            stat: r.stat,
            results,
            ids,
            seg: *seg,
        })
        .collect();
    write_index(
        path,
        key,
        started,
        entities,
        wide_bytes(wide),
        &packs,
        &entries,
    )?;
    remove_stale_packs(dir, &stem, &packs);
    Ok(())
}

fn wide_bytes(wide: &[Diagnostic]) -> Vec<u8> {
    let mut w = Writer::default();
    c::diagnostics(&mut w, wide);
    w.buf
}

/// A record's findings and ids encoded, and its body when it is to be written.
type Encoded = (Vec<u8>, Vec<u8>, Option<(Vec<u8>, Seg)>);

fn encode_record(r: &Record<'_>) -> Encoded {
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
    let mut ids = Writer::default();
    ids.usize(r.ids.len());
    for (kind, id) in &r.ids {
        c::kind(&mut ids, *kind);
        ids.str(id);
    }
    let body = match &r.body {
        Body::Encode { text, docs } => {
            let mut b = Writer::default();
            b.buf.extend_from_slice(text.as_bytes());
            let kept = crate::load::tree::persist::encode_documents(docs, &mut b);
            if !kept {
                b.buf.truncate(text.len());
            }
            let seg = Seg {
                text: text.len(),
                docs: b.buf.len() - text.len(),
                has_text: true,
                kept,
                ..Seg::default()
            };
            Some((b.buf, seg))
        }
        Body::Stored(_) | Body::None => None,
    };
    (results.buf, ids.buf, body)
}

fn write_index(
    path: &Path,
    key: u64,
    started: i64,
    entities: usize,
    wide: Vec<u8>,
    packs: &[(u64, u64)],
    entries: &[Entry<'_>],
) -> std::io::Result<()> {
    let mut a = Writer::default();
    a.u64(started as u64);
    a.usize(entities);
    a.buf.extend_from_slice(&wide);
    a.usize(packs.len());
    for (name, len) in packs {
        a.u64(*name);
        a.u64(*len);
    }
    a.usize(entries.len());
    for e in entries {
        a.str(e.path);
        a.u64(e.hash as u64);
        a.u64((e.hash >> 64) as u64);
        a.bool(e.stat.is_some());
        if let Some(s) = e.stat {
            a.u64(s.size);
            a.u64(s.mtime as u64);
            a.u64(s.ctime as u64);
            a.u64(s.ino);
        }
        a.bytes(e.results);
        a.bytes(e.ids);
        a.usize(e.seg.pack);
        a.usize(e.seg.at);
        a.usize(e.seg.text);
        a.usize(e.seg.docs);
        a.u8(u8::from(e.seg.has_text) | (u8::from(e.seg.kept) << 1));
    }
    let mut out = Vec::with_capacity(HEADER + a.buf.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&key.to_le_bytes());
    out.extend_from_slice(&(a.buf.len() as u64).to_le_bytes());
    out.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(&a.buf).to_le_bytes());
    out.extend_from_slice(&a.buf);
    write_atomic(path, &out)
}

fn stem(path: &Path) -> String {
    let name = path.file_stem().and_then(|n| n.to_str());
    name.unwrap_or("cache").to_owned()
}

fn pack_name(stem: &str, name: u64) -> String {
    format!("{stem}-{name:016x}.pack")
}

fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("cache");
    let tmp = dir.join(format!(".{name}.{}.{nanos}.tmp", std::process::id()));
    let written = std::fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(bytes))
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Deletes this snapshot's packs that the index just written does not name, once they are
/// old enough that no run side by side can be about to name them.
fn remove_stale_packs(dir: &Path, stem: &str, named: &[(u64, u64)]) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let keep: Vec<String> = named.iter().map(|(n, _)| pack_name(stem, *n)).collect();
    let prefix = format!("{stem}-");
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        if !name.starts_with(&prefix) || !name.ends_with(".pack") || keep.iter().any(|k| k == name)
        {
            continue;
        }
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() >= STALE_SECS);
        if old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// A snapshot read back and checked: entries are decoded on demand.
pub(crate) struct Snapshot {
    path: PathBuf,
    index: Vec<u8>,
    packs: Vec<(u64, Vec<u8>)>,
    /// When the run that wrote it started ([`Stat::trusted`]).
    pub started: i64,
    pub entities: usize,
    wide: Range<usize>,
    pub files: Vec<FileEntry>,
}

/// One file of a snapshot.
pub(crate) struct FileEntry {
    pub path: PathBuf,
    pub hash: Hash,
    pub stat: Option<Stat>,
    results: Range<usize>,
    ids: Range<usize>,
    seg: Seg,
}

/// A file's findings as a snapshot kept them, in the new run's file ids.
pub(crate) struct Results {
    pub loaded: Vec<Diagnostic>,
    pub schema: Vec<(Vec<Diagnostic>, Vec<String>)>,
    pub own: Vec<Diagnostic>,
    pub across: Vec<Diagnostic>,
}

impl Snapshot {
    /// Reads the snapshot at `path` and its packs; `None` when there is none, or it is not
    /// whole, not of this format, not for `key`, or does not decode.
    pub fn read(path: &Path, key: u64) -> Option<Snapshot> {
        let bytes = std::fs::read(path).ok()?;
        let mut s = Self::parse(bytes, key)?;
        s.path = path.to_path_buf();
        let dir = path.parent().unwrap_or(Path::new("."));
        let stem = stem(path);
        for (name, data) in &mut s.packs {
            let want = data.len();
            *data = std::fs::read(dir.join(pack_name(&stem, *name))).ok()?;
            if data.len() != want || xxhash_rust::xxh3::xxh3_64(data) != *name {
                return None;
            }
        }
        for e in &s.files {
            if e.seg.has_text || e.seg.kept {
                let pack = s.packs.get(e.seg.pack)?;
                pack.1.get(e.seg.range())?;
                std::str::from_utf8(pack.1.get(e.seg.at..e.seg.at + e.seg.text)?).ok()?;
            }
        }
        Some(s)
    }

    /// The index alone (packs not read: their lengths are held as zero-filled buffers).
    fn parse(bytes: Vec<u8>, key: u64) -> Option<Snapshot> {
        let mut r = Reader::new(&bytes);
        if r.take(MAGIC.len())? != MAGIC || r.u32()? != FORMAT || r.u64()? != key {
            return None;
        }
        let a_len = usize::try_from(r.u64()?).ok()?;
        let a_sum = r.u64()?;
        if HEADER.checked_add(a_len)? != bytes.len() {
            return None;
        }
        let a = &bytes[HEADER..];
        if xxhash_rust::xxh3::xxh3_64(a) != a_sum {
            return None;
        }
        let mut r = Reader::new(a);
        let at = |r: &Reader<'_>| HEADER + r.position();
        let started = r.u64()? as i64;
        let entities = r.usize()?;
        let start = at(&r);
        // Checked now, decoded when used.
        read_diagnostics(&mut r, &|i| Some(FileId(i)))?;
        let wide = start..at(&r);
        let n = r.count(16)?;
        let mut packs = Vec::with_capacity(n);
        for _ in 0..n {
            let name = r.u64()?;
            let len = usize::try_from(r.u64()?).ok()?;
            // A placeholder of the right length, read by `read` (never more than 4 GiB).
            (len < 1 << 32).then_some(())?;
            packs.push((name, vec![0; len]));
        }
        let n = r.count(16)?;
        let mut files = Vec::with_capacity(n);
        for _ in 0..n {
            let path = PathBuf::from(r.str()?);
            let hash = Hash::from(r.u64()?) | (Hash::from(r.u64()?) << 64);
            let stat = match r.bool()? {
                true => Some(Stat {
                    size: r.u64()?,
                    mtime: r.u64()? as i64,
                    ctime: r.u64()? as i64,
                    ino: r.u64()?,
                }),
                false => None,
            };
            let len = r.usize()?;
            let results = at(&r)..at(&r) + len;
            r.take(len)?;
            let len = r.usize()?;
            let ids = at(&r)..at(&r) + len;
            r.take(len)?;
            let (pack, at, text, docs) = (r.usize()?, r.usize()?, r.usize()?, r.usize()?);
            let flags = r.u8()?;
            if flags > 3 || at.checked_add(text)?.checked_add(docs).is_none() {
                return None;
            }
            let seg = Seg {
                pack,
                at,
                text,
                docs,
                has_text: flags & 1 != 0,
                kept: flags & 2 != 0,
            };
            files.push(FileEntry {
                path,
                hash,
                stat,
                results,
                ids,
                seg,
            });
        }
        if !r.at_end() {
            return None;
        }
        Some(Snapshot {
            path: PathBuf::new(),
            index: bytes,
            packs,
            started,
            entities,
            wide,
            files,
        })
    }

    /// The findings of the index and the catalogue-wide rules.
    pub fn wide(&self, file: &dyn Fn(u32) -> Option<FileId>) -> Option<Vec<Diagnostic>> {
        read_diagnostics(&mut Reader::new(&self.index[self.wide.clone()]), file)
    }

    /// A file's findings; `None` when one names a file the new run does not have.
    pub fn results(&self, i: usize, file: &dyn Fn(u32) -> Option<FileId>) -> Option<Results> {
        let e = self.files.get(i)?;
        let mut r = Reader::new(self.index.get(e.results.clone())?);
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
        let mut r = Reader::new(self.index.get(e.ids.clone())?);
        let n = r.count(2)?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push((read_kind(&mut r)?, r.str()?.into()));
        }
        Some(out)
    }

    fn body(&self, i: usize) -> Option<(&Seg, &[u8])> {
        let e = self.files.get(i)?;
        let bytes = self.packs.get(e.seg.pack)?.1.get(e.seg.range())?;
        Some((&e.seg, bytes))
    }

    /// The text the snapshot kept for a file (its hash is the entry's).
    pub fn text(&self, i: usize) -> Option<&str> {
        let (seg, bytes) = self.body(i)?;
        seg.has_text
            .then(|| std::str::from_utf8(&bytes[..seg.text]).ok())
            .flatten()
    }

    /// Whether the snapshot kept the file's documents.
    pub fn has_documents(&self, i: usize) -> bool {
        self.files.get(i).is_some_and(|e| e.seg.kept)
    }

    /// A file's body as stored, for a new snapshot of the same text.
    pub fn stored(&self, i: usize) -> Option<Stored<'_>> {
        let (seg, bytes) = self.body(i)?;
        let (name, pack) = self.packs.get(seg.pack)?;
        seg.has_text.then_some(Stored {
            pack: *name,
            pack_len: pack.len() as u64,
            seg: *seg,
            bytes,
        })
    }

    /// A file's documents, for its text `text` (the one the snapshot hashed).
    pub fn documents(&self, i: usize, text: &Arc<str>, limits: &Limits) -> Option<Vec<Document>> {
        let (seg, bytes) = self.body(i)?;
        if !seg.kept {
            return None;
        }
        let mut r = Reader::new(&bytes[seg.text..]);
        let docs = crate::load::tree::persist::decode_documents(&mut r, text, limits)?;
        r.at_end().then_some(docs)
    }

    /// Writes this snapshot's index again with the files' metadata as this run found it
    /// (`stats`, by entry) and this run's start: for a run that found every text unchanged
    /// but read some (touched, or racily clean), so that the next run need not read them.
    pub fn restat(&self, key: u64, started: i64, stats: &[Option<Stat>]) -> std::io::Result<()> {
        let entries: Vec<Entry<'_>> = self
            .files
            .iter()
            .zip(stats)
            .map(|(e, stat)| Entry {
                path: e.path.to_str().unwrap_or(""),
                hash: e.hash,
                stat: *stat,
                results: &self.index[e.results.clone()],
                ids: &self.index[e.ids.clone()],
                seg: e.seg,
            })
            .collect();
        let packs: Vec<(u64, u64)> = self
            .packs
            .iter()
            .map(|(n, b)| (*n, b.len() as u64))
            .collect();
        let wide = self.index[self.wide.clone()].to_vec();
        write_index(
            &self.path,
            key,
            started,
            self.entities,
            wide,
            &packs,
            &entries,
        )
    }
}

#[cfg(test)]
#[path = "snapshot_tests.rs"]
mod tests;
