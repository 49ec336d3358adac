//! Reading a settings file (a policy or `catalint.yaml`) with the same loader, schema
//! validation and rich diagnostics as catalogue files. A broken settings file stops the
//! run with exit 2, its findings rendered like any others.

use std::path::Path;

use serde_json::Value;

use crate::diagnostic::{Diagnostic, Label, Severity};
pub use crate::error::SettingsError;
use crate::load::{self, Document, Limits};
use crate::schema::{Compiled, SchemaCheck, check_document};
use crate::source::{FileId, Files, Location, SourceFile};

/// A settings file that loaded and matched its schema.
#[derive(Debug)]
pub struct Settings {
    pub files: Files,
    pub file: FileId,
    pub doc: Document,
}

impl Settings {
    /// The settings as JSON, for `serde` to read into typed settings.
    pub fn value(&self) -> Value {
        self.doc.value.root().to_value()
    }

    /// Where the value at `pointer` is written: for findings on settings.
    pub fn at(&self, pointer: &str) -> Location {
        Location::new(self.file, self.doc.value_span(pointer))
    }

    pub fn at_key(&self, pointer: &str) -> Location {
        Location::new(self.file, self.doc.key_span(pointer))
    }

    pub fn invalid(self, diagnostics: Vec<Diagnostic>) -> SettingsError {
        SettingsError::Invalid {
            files: self.files,
            diagnostics,
        }
    }
}

pub fn read(path: &Path, schema: &Compiled, what: &str) -> Result<Settings, SettingsError> {
    let name = crate::paths::shown(path);
    let bytes = std::fs::read(path)
        .map_err(|e| SettingsError::Io(format!("cannot read {what} {name}: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        SettingsError::Io(format!(
            "{what} {} is not UTF-8 text (invalid byte at offset {})",
            name,
            e.utf8_error().valid_up_to()
        ))
    })?;
    parse(&name, text, schema, what)
}

pub fn parse(
    name: &str,
    text: String,
    schema: &Compiled,
    what: &str,
) -> Result<Settings, SettingsError> {
    let mut files = Files::new();
    let file = files.add(SourceFile::new(name, text));
    let source = files.get(file);
    let loaded = load::load(file, &source.text, &Limits::default());
    let mut diagnostics = loaded.diagnostics;
    let mut documents = loaded.documents.into_iter().filter(|d| !d.value.is_null());
    let doc = documents.next();
    if let Some(extra) = documents.next() {
        diagnostics.push(
            Diagnostic::new(
                crate::diagnostic::ids::SCHEMA,
                Severity::Error,
                format!("a {what} file holds one document, this one has more"),
                Label::new(Location::new(file, extra.span.clone()), "a second document"),
            )
            .with_help("remove the `---` and everything after it, or split the file"),
        );
    }
    let Some(doc) = doc else {
        if diagnostics.is_empty() {
            return Err(SettingsError::Io(format!("{what} {name} is empty")));
        }
        return Err(SettingsError::Invalid { files, diagnostics });
    };
    let check = SchemaCheck {
        compiled: schema,
        file,
        text: &source.text,
        doc: &doc,
    };
    diagnostics.extend(check_document(&check, &|_| false));
    if !diagnostics.is_empty() {
        return Err(SettingsError::Invalid { files, diagnostics });
    }
    Ok(Settings { files, file, doc })
}

/// Whether `path` stays inside the folder `dir`: checked on the path as written (no
/// absolute path, no `..` climbing out) and on the file it leads to (no link leading out).
pub fn stays_inside(dir: &Path, path: &Path) -> bool {
    let rel = match path.strip_prefix(dir) {
        Ok(r) => r,
        Err(_) => return false,
    };
    let mut depth = 0i32;
    for c in rel.components() {
        match c {
            std::path::Component::ParentDir => depth -= 1,
            std::path::Component::Normal(_) => depth += 1,
            std::path::Component::CurDir => {}
            _ => return false,
        }
        if depth < 0 {
            return false;
        }
    }
    match (std::fs::canonicalize(dir), std::fs::canonicalize(path)) {
        (Ok(d), Ok(target)) => target.starts_with(d),
        // A missing file is reported when it is read, with its path.
        _ => true,
    }
}
