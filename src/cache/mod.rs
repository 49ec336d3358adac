//! The on-disk cache: what a check of a catalogue found, kept between runs that start cold
//! (a second `catalint check`, pre-commit, a CI re-run), so that a file whose text is
//! unchanged is neither parsed nor validated again.
//!
//! One snapshot per catalogue (its root and the current folder), in the user's cache folder
//! (`$XDG_CACHE_HOME/catalint`, else `~/.cache/catalint`; `--cache-dir`,
//! `CATALINT_CACHE_DIR`). It is the workspace's state after a whole check, per file: the
//! hash of its text, its documents (trees, without spans: those are built on first use
//! from the text, as in a fresh load), the loader's, the schema's and the per-entity rules'
//! findings, and the ids it defines; and for the whole catalogue the findings of the index
//! and the catalogue-wide rules. The key is everything else that decides those results: the
//! binary (version and the executable itself), the config and policy files' contents, the
//! rule levels given, the limits and the current folder (findings name files by it).
//!
//! A snapshot that is missing, truncated, corrupt (checksums over every byte), of another
//! format or key, or that does not decode is ignored, never trusted; one that cannot be
//! written is skipped. Writes go to a temporary file renamed over the old one, so runs side
//! by side never see half a snapshot.

mod findings;
pub(crate) mod snapshot;
pub(crate) mod stat;
mod wide;
mod write;

use std::path::{Path, PathBuf};

pub(crate) use snapshot::{Body, Record, Results, Snapshot, save};
pub(crate) use stat::Stat;

use crate::settings::{CheckOptions, Settings};

/// A file text's identity: xxh3's 128-bit hash (accidental collisions: never in practice).
pub(crate) type Hash = u128;

pub(crate) fn hash_text(text: &str) -> Hash {
    xxhash_rust::xxh3::xxh3_128(text.as_bytes())
}

/// Where the cache is kept: `--no-cache` (or `CATALINT_NO_CACHE` set to anything but empty,
/// `0` or `false`) turns it off; else `--cache-dir`, `CATALINT_CACHE_DIR`,
/// `$XDG_CACHE_HOME/catalint`, `~/.cache/catalint`, in that order. `None`: no cache.
pub fn location(flag: Option<&Path>, no_cache: bool) -> Option<PathBuf> {
    let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let off = env("CATALINT_NO_CACHE").is_some_and(|v| v != "0" && v != "false");
    if no_cache || off {
        return None;
    }
    if let Some(dir) = flag {
        return Some(dir.to_path_buf());
    }
    if let Some(dir) = env("CATALINT_CACHE_DIR") {
        return Some(PathBuf::from(dir));
    }
    // The XDG base directory spec: a relative $XDG_CACHE_HOME is invalid and ignored.
    if let Some(dir) = env("XDG_CACHE_HOME").map(PathBuf::from)
        && dir.is_absolute()
    {
        return Some(dir.join("catalint"));
    }
    let home = env("HOME").map(PathBuf::from)?;
    Some(home.join(".cache").join("catalint"))
}

/// The snapshot file of a catalogue: one per root (the config's folder when its `include`
/// defines the catalogue, else the paths named) and current folder.
pub(crate) fn snapshot_path(dir: &Path, cwd: &Path, roots: &[PathBuf]) -> PathBuf {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(cwd.as_os_str().as_encoded_bytes());
    for r in roots {
        h.update(b"\0");
        h.update(r.as_os_str().as_encoded_bytes());
    }
    dir.join(format!("{:016x}.bin", h.digest()))
}

/// Everything besides the files' texts that decides a check's results, hashed.
pub(crate) fn key(settings: &Settings, opts: &CheckOptions, cwd: &Path) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    let mut put = |bytes: &[u8]| {
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    put(&snapshot::FORMAT.to_le_bytes());
    put(env!("CARGO_PKG_VERSION").as_bytes());
    // The executable itself: a rebuilt binary of the same version may check differently.
    match std::env::current_exe().and_then(|p| Ok((std::fs::metadata(&p)?, p))) {
        Ok((m, p)) => {
            put(p.as_os_str().as_encoded_bytes());
            put(&m.len().to_le_bytes());
            let mtime = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            put(&mtime.to_le_bytes());
        }
        Err(_) => put(b"no executable"),
    }
    put(cwd.as_os_str().as_encoded_bytes());
    for file in settings.files() {
        put(file.as_os_str().as_encoded_bytes());
        match std::fs::read(&file) {
            Ok(bytes) => put(&bytes),
            Err(_) => put(b"unreadable"),
        }
    }
    // A built-in profile (`--policy backstage`) has no file to hash: the choice itself.
    put(format!("{:?} {:?}", opts.policy, opts.config).as_bytes());
    put(format!("{:?}", opts.rule_levels).as_bytes());
    put(format!("{:?} {}", settings.limits, settings.file_size).as_bytes());
    let rules = crate::diagnostic::ids::BUILTIN_RULES.iter().copied().chain(
        settings
            .policy
            .custom_rules
            .iter()
            .map(|r| r.def.id.as_str()),
    );
    for rule in rules {
        put(rule.as_bytes());
        put(&[u8::from(settings.off_everywhere(rule))]);
    }
    h.digest()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_names_differ_by_root_and_folder() {
        let dir = Path::new("/c");
        let a = snapshot_path(dir, Path::new("/w"), &[PathBuf::from("/w/cat")]);
        let b = snapshot_path(dir, Path::new("/w"), &[PathBuf::from("/w/other")]);
        let c = snapshot_path(dir, Path::new("/x"), &[PathBuf::from("/w/cat")]);
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(
            a,
            snapshot_path(dir, Path::new("/w"), &[PathBuf::from("/w/cat")])
        );
    }
}
