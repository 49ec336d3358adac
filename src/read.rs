//! Stage 2: reading a catalogue file and loading it. Everything that can keep a file from
//! being read (a dangling link, a pipe, a size over the limit, UTF-16, a NUL byte, invalid
//! UTF-8) is a [`Problem`], which becomes one finding at the place it was met; a readable
//! file is loaded with its final file id, so its findings need no renumbering.

use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Label, Severity, ids};
use crate::discover::Found;
use crate::load::{self, Limits};
use crate::source::{FileId, Location, SourceFile};

/// Bytes in one file beyond which it is not read (`limits.fileSize`).
pub const DEFAULT_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// The most `limits.fileSize` can allow (2 GiB - 1): document trees use 31-bit offsets.
pub const MAX_FILE_SIZE: u64 = i32::MAX as u64;

/// What a run reads at most: `limits.fileSize` and the loader's caps, from the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    pub file_size: u64,
    pub load: Limits,
}

impl Default for ReadLimits {
    fn default() -> Self {
        Self {
            file_size: DEFAULT_FILE_SIZE,
            load: Limits::default(),
        }
    }
}

/// One file as read: its source and what loading it gave, or the problem that kept it from
/// being read.
pub struct Input {
    pub(crate) file: FileId,
    pub(crate) source: SourceFile,
    pub(crate) loaded: Option<load::Loaded>,
    pub(crate) problem: Option<Problem>,
}

/// Why a file could not be read, or read only in part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Not opened or not readable: a walk problem (a link loop, a dangling link, a link out
    /// of the folder), a folder, a pipe or device, an I/O error.
    Unreadable { message: String, help: &'static str },
    /// Larger than `limits.fileSize` (never read).
    TooLarge { size: u64, limit: u64 },
    /// UTF-16 or UTF-32 text.
    WideEncoding(&'static str),
    /// A NUL byte at this offset: binary; the text before it is kept for the snippet.
    Binary { offset: usize },
    /// Invalid UTF-8 from this offset.
    NotUtf8 { offset: usize },
}

impl Problem {
    /// The rule, by id as the loader names its own: the rules' metadata is above this
    /// stage. Both are errors by default, as their `META` says.
    fn rule(&self) -> &'static str {
        match self {
            Problem::TooLarge { .. } => ids::YAML_LIMIT,
            _ => ids::UNREADABLE_FILE,
        }
    }

    /// The finding, at `at` (a byte offset into the text kept of the file).
    fn into_diagnostic(self, file: FileId, at: usize) -> Diagnostic {
        let rule = self.rule();
        let (message, label, help): (String, &str, &str) = match self {
            Problem::Unreadable { message, help } => (message, "this file", help),
            Problem::TooLarge { size, limit } => (
                format!("the file is {size} bytes, over the {limit}-byte limit"),
                "not read",
                if limit >= MAX_FILE_SIZE {
                    "split the file: catalint reads files of up to 2 GiB"
                } else {
                    "split the file, or raise `limits.fileSize` in catalint.yaml"
                },
            ),
            Problem::WideEncoding(encoding) => (
                format!("the file is {encoding} text; catalogue files are UTF-8"),
                "this file",
                "re-save the file as UTF-8",
            ),
            Problem::Binary { offset } => (
                format!(
                    "the file holds a NUL byte at offset {offset}: it is binary, not YAML text"
                ),
                "NUL byte here",
                "catalogue files are UTF-8 text; remove the file or the binary content",
            ),
            Problem::NotUtf8 { offset } => (
                format!("the file is not valid UTF-8: invalid byte at offset {offset}"),
                "invalid UTF-8 here",
                "re-save the file as UTF-8",
            ),
        };
        Diagnostic::new(
            rule,
            Severity::Error,
            message,
            Label::new(Location::new(file, at..at), label),
        )
        .with_help(help)
    }
}

impl Input {
    /// A file held in memory, loaded now as file `file`.
    pub fn from_text(
        file: FileId,
        name: &str,
        text: impl Into<Arc<str>>,
        limits: &Limits,
    ) -> Input {
        let source = SourceFile::new(name, text);
        let loaded = load::load_fast(file, &source.text, limits);
        Input {
            file,
            source,
            loaded: Some(loaded),
            problem: None,
        }
    }

    /// A file whose documents the cache kept for this very text: loaded without parsing.
    pub(crate) fn restored(
        file: FileId,
        name: &str,
        text: Arc<str>,
        documents: Vec<load::Document>,
    ) -> Input {
        Input {
            file,
            source: SourceFile::new(name, text),
            loaded: Some(load::Loaded {
                documents,
                diagnostics: Vec::new(),
            }),
            problem: None,
        }
    }

    /// A file held in memory, read as [`read`] reads one from disk under `limits`: over
    /// `limits.fileSize`, it is not loaded (a `yaml-limit` finding), as on disk.
    pub fn in_memory(file: FileId, name: &str, text: &str, limits: &ReadLimits) -> Input {
        if text.len() as u64 > limits.file_size {
            let problem = Problem::TooLarge {
                size: text.len() as u64,
                limit: limits.file_size,
            };
            return Input::problem(file, name, String::new(), problem);
        }
        // An editor sends a binary file's bytes as text too: it is no more YAML than on disk.
        if let Some(offset) = text.find('\0') {
            let problem = Problem::Binary { offset };
            return Input::problem(file, name, text[..offset].to_owned(), problem);
        }
        Input::from_text(file, name, text, &limits.load)
    }

    /// A file that could not be read (or only up to `text`).
    fn problem(file: FileId, name: &str, text: String, problem: Problem) -> Input {
        Input {
            file,
            source: SourceFile::new(name, text),
            loaded: None,
            problem: Some(problem),
        }
    }

    /// The finding of the problem that kept this file from being read, if any.
    pub(crate) fn problem_diagnostic(&mut self) -> Option<Diagnostic> {
        let problem = self.problem.take()?;
        let at = match problem {
            Problem::NotUtf8 { offset } => offset,
            // Just past the text kept, where the NUL byte was.
            Problem::Binary { .. } => self.source.text.len(),
            _ => 0,
        };
        Some(problem.into_diagnostic(self.file, at))
    }
}

/// Reads one file found by discovery, shown as `name`, as file `file` of the run.
pub fn read(found: &Found, name: &str, file: FileId, max_size: u64, limits: &Limits) -> Input {
    match read_with(found, name, file, max_size, |t| Arc::<str>::from(t)) {
        Ok(text) => Input::from_text(file, name, text, limits),
        Err(problem) => *problem,
    }
}

/// Reads one file's text, not yet loaded; a file that cannot be read is given as the
/// [`Input`] of its problem.
pub(crate) fn read_text(
    found: &Found,
    name: &str,
    file: FileId,
    max_size: u64,
) -> Result<String, Box<Input>> {
    read_with(found, name, file, max_size, str::to_owned)
}

/// Reads one file's text and hands it to `keep`, which makes the copy the caller holds (a
/// shared `Arc<str>` for the loader, a `String` for the cache): the bytes are read into a
/// buffer each thread reuses, so a file costs one allocation, the one it is kept in.
fn read_with<T>(
    found: &Found,
    name: &str,
    file: FileId,
    max_size: u64,
    keep: impl FnOnce(&str) -> T,
) -> Result<T, Box<Input>> {
    let unreadable = |message: String, help: &'static str| {
        Input::problem(
            file,
            name,
            String::new(),
            Problem::Unreadable { message, help },
        )
    };
    let path = found.path();
    if let Found::Problem { message, .. } = found {
        return Err(Box::new(unreadable(
            format!("cannot read the file: {message}"),
            "fix or remove the file or link",
        )));
    }
    // The path's metadata, before opening: a FIFO or a device is never opened (that could
    // block or never end), and the size it gives is what the one read below asks for.
    let size = match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => {
            return Err(Box::new(unreadable(
                "a folder, not a file".into(),
                "name the files inside it, or the folder itself without a trailing file name",
            )));
        }
        Ok(m) if !m.is_file() => {
            return Err(Box::new(unreadable(
                "not a regular file (a pipe, socket or device)".into(),
                "catalogue files are regular files; remove it from the catalogue",
            )));
        }
        Ok(m) if m.len() > max_size => {
            let problem = Problem::TooLarge {
                size: m.len(),
                limit: max_size,
            };
            return Err(Box::new(Input::problem(file, name, String::new(), problem)));
        }
        Ok(m) => m.len(),
        Err(e) => {
            return Err(Box::new(unreadable(
                format!("cannot read the file: {e}"),
                "check that the file exists and is readable",
            )));
        }
    };
    BUFFER.with_borrow_mut(|buffer| {
        let bytes = match read_into(path, size, max_size, buffer) {
            Ok(bytes) => bytes,
            Err(Grew(size)) => {
                let problem = Problem::TooLarge {
                    size,
                    limit: max_size,
                };
                return Err(Box::new(Input::problem(file, name, String::new(), problem)));
            }
            Err(Failed(e)) => {
                return Err(Box::new(unreadable(
                    format!("cannot read the file: {e}"),
                    "check the file's permissions",
                )));
            }
        };
        let kept = check_text(bytes, file, name).map(keep);
        if buffer.len() > KEEP_BUFFER {
            // Not kept: one large file would otherwise hold its size in every thread.
            *buffer = Vec::new();
        }
        kept
    })
}

/// Hands the bytes of the file at `path` to `f`, read into this thread's buffer as a
/// check reads a file: `catalint diff` compares each of the working tree's files with
/// BASE's, and most are the same, so nothing is allocated for them.
pub fn with_bytes<R>(path: &std::path::Path, f: impl FnOnce(&[u8]) -> R) -> std::io::Result<R> {
    let size = std::fs::metadata(path)?.len();
    BUFFER.with_borrow_mut(|buffer| {
        let result = match read_into(path, size, u64::MAX, buffer) {
            Ok(bytes) => Ok(f(bytes)),
            Err(Failed(e)) => Err(e),
            Err(Grew(_)) => Err(std::io::Error::other("the file grew past any size")),
        };
        if buffer.len() > KEEP_BUFFER {
            *buffer = Vec::new();
        }
        result
    })
}

thread_local! {
    /// The bytes of the file being read. Kept between files (and let go after a file of
    /// over a megabyte), so that reading a catalogue of small files allocates no buffer
    /// per file and touches no fresh memory for it.
    static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A buffer of more than this is freed after use rather than kept for the next file.
const KEEP_BUFFER: usize = 1 << 20;

/// Why [`read_into`] gave no text.
enum ReadError {
    /// The file grew past the size limit after its size was taken.
    Grew(u64),
    Failed(std::io::Error),
}
use ReadError::{Failed, Grew};

/// Reads the file at `path`, `size` bytes by its metadata, into `buffer`: one `open`, one
/// `read` and one `close` for a file that does not change meanwhile. The read asks for one
/// byte more than `size`; a shorter answer that gives the `size` bytes is the whole file (a
/// file that grew or shrank since is read on to its end, as `std::fs::read` would).
fn read_into<'b>(
    path: &std::path::Path,
    size: u64,
    max_size: u64,
    buffer: &'b mut Vec<u8>,
) -> Result<&'b [u8], ReadError> {
    use std::io::Read;
    let mut f = std::fs::File::open(path).map_err(Failed)?;
    let want = usize::try_from(size)
        .unwrap_or(usize::MAX)
        .saturating_add(1);
    if buffer.len() < want {
        buffer.resize(want, 0);
    }
    let mut filled = 0;
    loop {
        if filled == buffer.len() {
            if filled as u64 > max_size {
                let grown = f.metadata().map_or(filled as u64, |m| m.len());
                return Err(Grew(grown.max(filled as u64)));
            }
            let grow = buffer.len().max(8 * 1024);
            buffer.resize(buffer.len() + grow, 0);
        }
        match f.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => {
                filled += n;
                if filled as u64 == size && filled < buffer.len() {
                    break;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Failed(e)),
        }
    }
    if filled as u64 > max_size {
        return Err(Grew(filled as u64));
    }
    Ok(&buffer[..filled])
}

/// A file held in memory as bytes (a git revision's blob), read as [`read`] reads a regular
/// file of that content from disk: over `max_size` it is not read, and wide encodings, NUL
/// bytes and invalid UTF-8 are the same problems.
pub fn from_bytes(bytes: &[u8], name: &str, file: FileId, max_size: u64, limits: &Limits) -> Input {
    if bytes.len() as u64 > max_size {
        let problem = Problem::TooLarge {
            size: bytes.len() as u64,
            limit: max_size,
        };
        return Input::problem(file, name, String::new(), problem);
    }
    match check_text(bytes, file, name) {
        Ok(text) => Input::from_text(file, name, Arc::<str>::from(text), limits),
        Err(problem) => *problem,
    }
}

/// The text of a file's bytes, or the problem that keeps them from being catalogue text.
fn check_text<'b>(bytes: &'b [u8], file: FileId, name: &str) -> Result<&'b str, Box<Input>> {
    if let Some(encoding) = wide_encoding(bytes) {
        let problem = Problem::WideEncoding(encoding);
        return Err(Box::new(Input::problem(file, name, String::new(), problem)));
    }
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        let text = String::from_utf8_lossy(&bytes[..offset]).into_owned();
        return Err(Box::new(Input::problem(
            file,
            name,
            text,
            Problem::Binary { offset },
        )));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let offset = e.valid_up_to();
            let text = String::from_utf8_lossy(bytes).into_owned();
            Err(Box::new(Input::problem(
                file,
                name,
                text,
                Problem::NotUtf8 { offset },
            )))
        }
    }
}

/// UTF-16 and UTF-32, told by their byte order mark or, without one, by the NUL bytes that
/// ASCII text in them is full of.
fn wide_encoding(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0, 0, 0xFE, 0xFF, ..] | [0xFF, 0xFE, 0, 0, ..] => return Some("UTF-32"),
        [0xFE, 0xFF, ..] | [0xFF, 0xFE, ..] => return Some("UTF-16"),
        _ => {}
    }
    let sample = &bytes[..bytes.len().min(64) & !3];
    if sample.len() >= 8 {
        let nul = |skip: usize, step: usize| {
            sample
                .iter()
                .skip(skip)
                .step_by(step)
                .filter(|&&b| b == 0)
                .count()
        };
        let quarter = sample.len() / 4;
        let half = sample.len() / 2;
        // ASCII in UTF-32: three NULs in every four bytes; in UTF-16: one in every two.
        if nul(0, 1) * 10 >= quarter * 3 * 9 {
            return Some("UTF-32");
        }
        if nul(0, 2) * 10 >= half * 9 || nul(1, 2) * 10 >= half * 9 {
            return Some("UTF-16");
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_file(path: &std::path::Path, max_size: u64) -> Result<String, Problem> {
        let found = Found::File(path.to_path_buf());
        read_text(&found, "f.yaml", FileId(0), max_size)
            .map_err(|mut input| input.problem.take().expect("a problem"))
    }

    #[test]
    fn one_buffer_serves_files_of_every_size_in_any_order() {
        let dir = tempfile::tempdir().unwrap();
        // Large, then small, then empty, then at the size limit: no bytes of an earlier
        // file may show through in a later one, and the buffer a large file needed is let go.
        let sizes = [3 * KEEP_BUFFER / 2, 10, 0, 5000, 1, KEEP_BUFFER + 1, 7];
        for (i, &n) in sizes.iter().enumerate() {
            let text: String = (0..n)
                .map(|j| char::from(b'a' + ((i + j) % 26) as u8))
                .collect();
            let path = dir.path().join(format!("{i}.yaml"));
            std::fs::write(&path, &text).unwrap();
            assert_eq!(
                read_file(&path, DEFAULT_FILE_SIZE).unwrap(),
                text,
                "file {i}"
            );
            assert!(BUFFER.with_borrow(Vec::len) <= KEEP_BUFFER, "file {i}");
        }
    }

    #[test]
    fn the_size_limit_is_inclusive() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.yaml");
        std::fs::write(&path, "a: 1\n").unwrap();
        assert_eq!(read_file(&path, 5).unwrap(), "a: 1\n");
        assert_eq!(
            read_file(&path, 4),
            Err(Problem::TooLarge { size: 5, limit: 4 })
        );
    }

    #[test]
    fn text_problems_are_found_in_the_bytes_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.yaml");
        std::fs::write(&path, b"a: 1\n\0b").unwrap();
        assert_eq!(read_file(&path, 100), Err(Problem::Binary { offset: 5 }));
        std::fs::write(&path, b"a: \xff\n").unwrap();
        assert_eq!(read_file(&path, 100), Err(Problem::NotUtf8 { offset: 3 }));
        std::fs::write(&path, b"\xff\xfea\0:\0").unwrap();
        assert_eq!(read_file(&path, 100), Err(Problem::WideEncoding("UTF-16")));
        // A folder is never read.
        assert!(matches!(
            read_file(dir.path(), 100),
            Err(Problem::Unreadable { .. })
        ));
    }

    #[test]
    fn a_file_that_changed_since_its_size_was_taken_is_read_to_its_end() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.yaml");
        let text = "x".repeat(20_000);
        std::fs::write(&path, &text).unwrap();
        let mut buffer = Vec::new();
        // Grown since (the metadata said 2 bytes), shrunk since (it said 30,000).
        for size in [2, 30_000] {
            let bytes = read_into(&path, size, DEFAULT_FILE_SIZE, &mut buffer);
            assert_eq!(bytes.ok(), Some(text.as_bytes()), "size {size}");
        }
        // Grown past the limit: not read to its end, and its size is the one found now.
        let mut buffer = Vec::new();
        match read_into(&path, 2, 100, &mut buffer) {
            Err(Grew(size)) => assert_eq!(size, 20_000),
            _ => panic!("a file grown past the limit must be refused"),
        }
    }
}
