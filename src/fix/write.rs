//! Writing fixed files: atomically (a temporary file in the same folder, then a rename, so
//! a crash or a full disk leaves the old file or the new one, never half of each), with the
//! old file's permissions, and never over a file that changed since it was read.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Why a file was not written. The file is unchanged in every case.
#[derive(Debug)]
pub struct WriteError {
    pub path: String,
    pub reason: String,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cannot fix {}: {}; the file was left as it was",
            self.path, self.reason
        )
    }
}

/// Replaces the file at `path` (as shown, relative to the current folder) with `after`,
/// provided it still holds `before`.
pub fn replace(path: &str, before: &str, after: &str) -> Result<(), WriteError> {
    let fail = |reason: String| WriteError {
        path: path.to_owned(),
        reason,
    };
    // Through a symbolic link, the file it points to is fixed, and the link stays a link.
    let target: PathBuf =
        std::fs::canonicalize(path).map_err(|e| fail(format!("cannot find it: {e}")))?;
    let meta = std::fs::metadata(&target).map_err(|e| fail(e.to_string()))?;
    if meta.permissions().readonly() {
        // A rename would replace a read-only file all the same (the folder decides): the
        // author made it read-only, so it is not changed behind their back.
        return Err(fail(
            "the file is read-only (make it writable to let catalint fix it)".into(),
        ));
    }
    let on_disk = std::fs::read(&target).map_err(|e| fail(format!("cannot read it: {e}")))?;
    if on_disk != before.as_bytes() {
        return Err(fail(
            "it changed while catalint was checking it; run catalint again".into(),
        ));
    }
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = temp_file(dir, &name).map_err(|e| {
        fail(format!(
            "cannot create a temporary file in {}: {e}",
            dir.display()
        ))
    })?;
    let (temp_path, mut file) = temp;
    let written = file
        .write_all(after.as_bytes())
        .and_then(|()| file.set_permissions(meta.permissions()))
        .and_then(|()| file.sync_all());
    drop(file);
    if let Err(e) = written.and_then(|()| std::fs::rename(&temp_path, &target)) {
        let _ = std::fs::remove_file(&temp_path);
        return Err(fail(e.to_string()));
    }
    Ok(())
}

/// A new file beside `name`, named so that it is plainly catalint's and never clashes.
fn temp_file(dir: &Path, name: &str) -> std::io::Result<(PathBuf, std::fs::File)> {
    let mut last = None;
    for n in 0..100u32 {
        let path = dir.join(format!(
            ".{name}.catalint-fix-{}-{n}.tmp",
            std::process::id()
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(f) => return Ok((path, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free temporary name")))
}
