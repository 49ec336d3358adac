//! Writing a snapshot: the pack of the bodies not stored yet, then the index that names it.
//! Every file is written whole to a temporary file and renamed, so that a run side by side
//! reads an old snapshot or a new one, never half of one.

use std::io::Write;
use std::path::Path;

use rayon::prelude::*;

use super::Hash;
use super::findings as c;
use super::snapshot::{Body, FORMAT, HEADER, MAGIC, MAX_PACKS, PackInfo, Record, STALE_SECS, Seg};
use super::stat::Stat;
use crate::codec::Writer;
use crate::diagnostic::Diagnostic;
use crate::rules::wide::Parts;

/// One entry of an index, for writing: findings and ids already encoded.
pub(super) struct Entry<'a> {
    pub(super) path: &'a str,
    pub(super) hash: Hash,
    pub(super) stat: Option<Stat>,
    pub(super) results: &'a [u8],
    pub(super) ids: &'a [u8],
    pub(super) seg: Seg,
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
    indexed: &[Diagnostic],
    wide: &Parts,
    records: &[Record<'_>],
) -> std::io::Result<()> {
    let encoded: Vec<Encoded> = records.par_iter().map(encode_record).collect();
    // The old packs still named, and how much of them is live.
    let mut old: Vec<PackInfo> = Vec::new();
    let mut live = 0u64;
    for r in records {
        if let Body::Stored(s) = &r.body {
            live += (s.seg.text + s.seg.docs) as u64;
            if !old.contains(&s.pack.info) {
                old.push(s.pack.info);
            }
        }
    }
    let fresh: u64 = encoded
        .iter()
        .filter_map(|e| e.2.as_ref())
        .map(|(b, _)| b.len() as u64)
        .sum();
    let total: u64 = old.iter().map(|p| p.texts + p.trees).sum::<u64>() + fresh;
    let packs_after = old.len() + usize::from(fresh > 0);
    let compact = packs_after > MAX_PACKS || (live + fresh) * 2 < total;

    // The new pack: fresh bodies, and every stored one too when compacting.
    let (mut texts, mut trees) = (Vec::new(), Vec::new());
    let mut segs: Vec<Seg> = Vec::with_capacity(records.len());
    let mut pending: Vec<usize> = Vec::new();
    for (i, (r, e)) in records.iter().zip(&encoded).enumerate() {
        let (text, docs, mut seg) = match (&r.body, &e.2) {
            (_, Some((bytes, seg))) => (&bytes[..seg.text], &bytes[seg.text..], *seg),
            (Body::Stored(s), None) if compact => {
                let docs = s.docs();
                let seg = Seg {
                    kept: docs.is_some(),
                    ..s.seg
                };
                (s.text(), docs.unwrap_or_default(), seg)
            }
            (Body::Stored(s), None) => {
                let at = old.iter().position(|p| *p == s.pack.info).unwrap_or(0);
                segs.push(Seg { pack: at, ..s.seg });
                continue;
            }
            _ => {
                segs.push(Seg::default());
                continue;
            }
        };
        seg.at = texts.len();
        seg.docs_at = trees.len();
        seg.docs = docs.len();
        texts.extend_from_slice(text);
        trees.extend_from_slice(docs);
        segs.push(seg);
        pending.push(i);
    }
    let mut packs: Vec<PackInfo> = if compact { Vec::new() } else { old };
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
    if !texts.is_empty() || !trees.is_empty() || !pending.is_empty() {
        let mut whole = xxhash_rust::xxh3::Xxh3::new();
        whole.update(&texts);
        whole.update(&trees);
        let info = PackInfo {
            name: whole.digest(),
            texts: texts.len() as u64,
            trees: trees.len() as u64,
            texts_sum: xxhash_rust::xxh3::xxh3_64(&texts),
            trees_sum: xxhash_rust::xxh3::xxh3_64(&trees),
        };
        let at = packs.len();
        packs.push(info);
        for i in pending {
            segs[i].pack = at;
        }
        let file = dir.join(pack_name(&stem, info.name));
        // The same name is the same bytes: one written by a run side by side will do.
        if std::fs::metadata(&file).map_or(true, |m| m.len() != info.texts + info.trees) {
            write_atomic(&file, &[&texts, &trees])?;
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
        wide_bytes(indexed, wide),
        &packs,
        &entries,
    )?;
    remove_stale_packs(dir, &stem, &packs);
    Ok(())
}

fn wide_bytes(indexed: &[Diagnostic], wide: &Parts) -> Vec<u8> {
    let mut w = Writer::default();
    super::wide::write(&mut w, indexed, wide);
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

pub(super) fn write_index(
    path: &Path,
    key: u64,
    started: i64,
    entities: usize,
    wide: Vec<u8>,
    packs: &[PackInfo],
    entries: &[Entry<'_>],
) -> std::io::Result<()> {
    let mut a = Writer::default();
    a.u64(started as u64);
    a.usize(entities);
    a.buf.extend_from_slice(&wide);
    a.usize(packs.len());
    for p in packs {
        a.u64(p.name);
        a.u64(p.texts);
        a.u64(p.trees);
        a.u64(p.texts_sum);
        a.u64(p.trees_sum);
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
        a.usize(e.seg.docs_at);
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
    write_atomic(path, &[&out])
}

pub(super) fn stem(path: &Path) -> String {
    let name = path.file_stem().and_then(|n| n.to_str());
    name.unwrap_or("cache").to_owned()
}

pub(super) fn pack_name(stem: &str, name: u64) -> String {
    format!("{stem}-{name:016x}.pack")
}

/// Writes `parts`, one after the other, to a temporary file renamed over `path`.
fn write_atomic(path: &Path, parts: &[&[u8]]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("cache");
    let tmp = dir.join(format!(".{name}.{}.{nanos}.tmp", std::process::id()));
    let written = std::fs::File::create(&tmp)
        .and_then(|mut f| parts.iter().try_for_each(|p| f.write_all(p)))
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Deletes this snapshot's packs that the index just written does not name, once they are
/// old enough that no run side by side can be about to name them.
fn remove_stale_packs(dir: &Path, stem: &str, named: &[PackInfo]) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let keep: Vec<String> = named.iter().map(|p| pack_name(stem, p.name)).collect();
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
