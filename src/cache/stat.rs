//! The stat fast path: what a file's metadata says about whether its text changed, as git's
//! index uses it. A file whose size, modification time, change time and inode are those the
//! snapshot recorded is taken to hold the text the snapshot kept, and is not read; unless
//! its modification time is not safely older than the run that recorded it ("racily
//! clean"): a file written in the same tick of the file system's clock as that run's read
//! could have changed after it without its metadata showing it, so it is read and hashed.

/// A file's metadata as the cache compares it. Times in nanoseconds since the Unix epoch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Stat {
    pub size: u64,
    pub mtime: i64,
    /// The inode's change time: set by every write, rename and `touch -d`, and by nothing a
    /// user can turn back. Zero where the platform has none.
    pub ctime: i64,
    /// Zero where the platform has none.
    pub ino: u64,
}

/// How much older than the run that recorded it a file's modification time must be for its
/// metadata to be trusted: more than any file system's timestamp tick (FAT's is 2 s, ext3's
/// and HFS+'s 1 s; most are 1 ns) and the kernel's coarse clock lag (milliseconds).
pub(crate) const RACY_NS: i64 = 2_000_000_000;

impl Stat {
    pub fn of(m: &std::fs::Metadata) -> Stat {
        let nanos = |t: std::io::Result<std::time::SystemTime>| {
            t.ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .and_then(|d| i64::try_from(d.as_nanos()).ok())
                .unwrap_or(0)
        };
        #[cfg(unix)]
        let (ctime, ino) = {
            use std::os::unix::fs::MetadataExt;
            (
                m.ctime()
                    .saturating_mul(1_000_000_000)
                    .saturating_add(m.ctime_nsec()),
                m.ino(),
            )
        };
        #[cfg(not(unix))]
        let (ctime, ino) = (0, 0);
        Stat {
            size: m.len(),
            mtime: nanos(m.modified()),
            ctime,
            ino,
        }
    }

    /// Whether a file with this metadata, recorded by a run that started at `started`, can
    /// be taken to hold the text that run read, without reading it again.
    pub fn trusted(&self, started: i64) -> bool {
        self.mtime < started.saturating_sub(RACY_NS)
    }
}

/// Now, in the clock of [`Stat`]'s times.
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_nanos()).ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_written_close_to_the_run_that_recorded_it_is_read_again() {
        let started = 1_700_000_000_000_000_000;
        let at = |mtime| Stat {
            size: 10,
            mtime,
            ctime: mtime,
            ino: 3,
        };
        assert!(at(started - RACY_NS - 1).trusted(started));
        // The same second (a 1 s file system), the same tick, or after the run began.
        assert!(!at(started - RACY_NS).trusted(started));
        assert!(!at(started - 500_000_000).trusted(started));
        assert!(!at(started).trusted(started));
        assert!(!at(started + 1).trusted(started));
        // A clock before 1970 or a time that does not fit: never trusted by accident.
        assert!(!at(0).trusted(0));
    }

    #[test]
    fn metadata_of_a_real_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.yaml");
        std::fs::write(&path, "id: a\n").unwrap();
        let s = Stat::of(&std::fs::metadata(&path).unwrap());
        assert_eq!(s.size, 6);
        assert!(s.mtime > 0);
        #[cfg(unix)]
        assert!(s.ctime > 0 && s.ino > 0);
        assert!(!s.trusted(now()), "just written");
    }
}
