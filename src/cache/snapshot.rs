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
//! A:     started  entities  wide (see `wide.rs`)  packs [pack]  files [entry]
//! pack:  name u64  len(T) u64  len(D) u64  xxh3(T) u64  xxh3(D) u64
//! file:  T (every text)  D (every file's documents)
//! ```
//!
//! A pack's texts and its documents are apart, each with its own checksum in the index: a
//! run with nothing changed replays from the texts alone and never reads the documents
//! (more than half of the bytes); a run that changed files reads them when it first needs
//! them. Texts are read with the index, and only when their length and xxh3 are those the
//! index names, so a damaged text, like a damaged index, makes the snapshot unused; damaged
//! documents make their files' documents unused (they are parsed again from their texts).

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use super::Hash;
use super::findings::{read_diagnostics, read_kind};
use super::stat::Stat;
pub(crate) use super::write::save;
use super::write::{Entry, pack_name, stem, write_index};
use crate::catalogue::Kind;
use crate::codec::Reader;
use crate::diagnostic::Diagnostic;
use crate::load::{Document, Limits};
use crate::rules::wide::Parts;
use crate::source::FileId;

pub(super) const MAGIC: &[u8; 15] = b"catalint-cache\n";
/// Bumped whenever what is written changes meaning.
pub(crate) const FORMAT: u32 = 4;
pub(super) const HEADER: usize = MAGIC.len() + 4 + 8 + 2 * 8;
/// Packs an index may name before a run writes them into one.
pub(super) const MAX_PACKS: usize = 8;
/// How old a pack no index names must be before a run deletes it: a run side by side may
/// have just written it and be about to write the index that names it.
pub(super) const STALE_SECS: u64 = 60;

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
    pub(super) pack: &'a Pack,
    pub(super) seg: Seg,
}

impl<'a> Stored<'a> {
    pub(super) fn text(&self) -> &'a [u8] {
        self.pack
            .texts
            .get(self.seg.text_range())
            .unwrap_or_default()
    }

    /// Its documents' bytes; `None` when they were not kept or cannot be read.
    pub(super) fn docs(&self) -> Option<&'a [u8]> {
        match self.seg.kept {
            true => self.pack.trees()?.get(self.seg.docs_range()),
            false => None,
        }
    }
}

/// Where a file's body lies in a pack: its text in the texts, its documents in the
/// documents.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Seg {
    pub(super) pack: usize,
    pub(super) at: usize,
    pub(super) text: usize,
    pub(super) docs_at: usize,
    pub(super) docs: usize,
    pub(super) has_text: bool,
    pub(super) kept: bool,
}

impl Seg {
    pub(super) fn text_range(&self) -> Range<usize> {
        self.at..self.at + self.text
    }

    pub(super) fn docs_range(&self) -> Range<usize> {
        self.docs_at..self.docs_at + self.docs
    }
}

/// A pack as an index names it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct PackInfo {
    /// The xxh3 of the whole file, which names it.
    pub(super) name: u64,
    pub(super) texts: u64,
    pub(super) trees: u64,
    pub(super) texts_sum: u64,
    pub(super) trees_sum: u64,
}

/// A pack of a snapshot read back: its texts, and its documents once first asked for.
pub(crate) struct Pack {
    pub(super) info: PackInfo,
    file: PathBuf,
    texts: Vec<u8>,
    trees: OnceLock<Option<Vec<u8>>>,
}

impl Pack {
    /// The documents' part, read and checked on first use; `None` if it is damaged or gone.
    fn trees(&self) -> Option<&[u8]> {
        let info = &self.info;
        self.trees
            .get_or_init(|| read_part(&self.file, info, info.texts, info.trees, info.trees_sum))
            .as_deref()
    }
}

/// `len` bytes of a pack's file from `at`, when the file has the length `info` names and
/// the bytes have the xxh3 `sum`.
fn read_part(file: &Path, info: &PackInfo, at: u64, len: u64, sum: u64) -> Option<Vec<u8>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(file).ok()?;
    if f.metadata().ok()?.len() != info.texts.checked_add(info.trees)? {
        return None;
    }
    f.seek(SeekFrom::Start(at)).ok()?;
    let mut buf = Vec::with_capacity(usize::try_from(len).ok()?);
    f.take(len).read_to_end(&mut buf).ok()?;
    (buf.len() as u64 == len && xxhash_rust::xxh3::xxh3_64(&buf) == sum).then_some(buf)
}

/// A snapshot read back and checked: entries are decoded on demand.
pub(crate) struct Snapshot {
    path: PathBuf,
    index: Vec<u8>,
    packs: Vec<Pack>,
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
    /// Reads the snapshot at `path` and its packs' texts; `None` when there is none, or it is
    /// not whole, not of this format, not for `key`, or does not decode.
    pub fn read(path: &Path, key: u64) -> Option<Snapshot> {
        let bytes = std::fs::read(path).ok()?;
        let mut s = Self::parse(bytes, key)?;
        s.path = path.to_path_buf();
        let dir = path.parent().unwrap_or(Path::new("."));
        let stem = stem(path);
        for pack in &mut s.packs {
            let info = pack.info;
            pack.file = dir.join(pack_name(&stem, info.name));
            pack.texts = read_part(&pack.file, &info, 0, info.texts, info.texts_sum)?;
        }
        for e in &s.files {
            if e.seg.has_text || e.seg.kept {
                let pack = s.packs.get(e.seg.pack)?;
                std::str::from_utf8(pack.texts.get(e.seg.text_range())?).ok()?;
                (e.seg.docs_range().end as u64 <= pack.info.trees).then_some(())?;
            }
        }
        Some(s)
    }

    /// The index alone (the packs' texts not read yet).
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
        super::wide::read(&mut r, &|i| Some(FileId(i)))?;
        let wide = start..at(&r);
        let n = r.count(40)?;
        let mut packs = Vec::with_capacity(n);
        for _ in 0..n {
            let info = PackInfo {
                name: r.u64()?,
                texts: r.u64()?,
                trees: r.u64()?,
                texts_sum: r.u64()?,
                trees_sum: r.u64()?,
            };
            // Never more than 4 GiB.
            (info.texts.checked_add(info.trees)? < 1 << 32).then_some(())?;
            packs.push(Pack {
                info,
                file: PathBuf::new(),
                texts: Vec::new(),
                trees: OnceLock::new(),
            });
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
            let (pack, at, text) = (r.usize()?, r.usize()?, r.usize()?);
            let (docs_at, docs) = (r.usize()?, r.usize()?);
            let flags = r.u8()?;
            if flags > 3 || at.checked_add(text).is_none() || docs_at.checked_add(docs).is_none() {
                return None;
            }
            let seg = Seg {
                pack,
                at,
                text,
                docs_at,
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

    /// The findings of the index and the catalogue-wide rules, for a replay (every file
    /// the snapshot's).
    pub fn wide(&self, file: &dyn Fn(u32) -> Option<FileId>) -> Option<Vec<Diagnostic>> {
        let (mut all, parts) = self.wide_parts(file)?;
        all.extend(parts.findings().cloned());
        Some(all)
    }

    /// The index's findings and the catalogue-wide rules' parts, as written.
    pub fn wide_parts(
        &self,
        file: &dyn Fn(u32) -> Option<FileId>,
    ) -> Option<(Vec<Diagnostic>, Parts)> {
        super::wide::read(&mut self.wide_reader(), file)
    }

    /// The catalogue-wide rules' findings as they were kept, for a run whose files changed
    /// since: those with a place in a file gone are left out.
    pub fn wide_state(&self, file: &dyn Fn(u32) -> Option<FileId>) -> Option<Parts> {
        super::wide::read_kept(&mut self.wide_reader(), file)
    }

    fn wide_reader(&self) -> Reader<'_> {
        Reader::new(&self.index[self.wide.clone()])
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

    fn body(&self, i: usize) -> Option<Stored<'_>> {
        let e = self.files.get(i)?;
        let pack = self.packs.get(e.seg.pack)?;
        Some(Stored { pack, seg: e.seg })
    }

    /// The text the snapshot kept for a file (its hash is the entry's).
    pub fn text(&self, i: usize) -> Option<&str> {
        let body = self.body(i)?;
        body.seg
            .has_text
            .then(|| std::str::from_utf8(body.text()).ok())
            .flatten()
    }

    /// Whether the snapshot kept the file's documents.
    pub fn has_documents(&self, i: usize) -> bool {
        self.files.get(i).is_some_and(|e| e.seg.kept)
    }

    /// A file's body as stored, for a new snapshot of the same text.
    pub fn stored(&self, i: usize) -> Option<Stored<'_>> {
        let body = self.body(i)?;
        body.seg.has_text.then_some(body)
    }

    /// A file's documents, for its text `text` (the one the snapshot hashed); `None` when
    /// they were not kept, or the pack's documents are damaged.
    pub fn documents(&self, i: usize, text: &Arc<str>, limits: &Limits) -> Option<Vec<Document>> {
        let bytes = self.body(i)?.docs()?;
        let mut r = Reader::new(bytes);
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
        let packs: Vec<PackInfo> = self.packs.iter().map(|p| p.info).collect();
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
