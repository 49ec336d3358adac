//! The one diagnostic model that every stage produces and every reporter reads.
//!
//! A diagnostic is data: rule id, severity, message, a primary labelled place, related
//! places (possibly in other files) and a help line. It knows nothing about rendering.

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::source::{FileId, Files, Location};

/// The ids of the rules whose findings stages below the rules make (the loader, the index,
/// schema validation, settings files): one spelling, shared by those stages and by each
/// rule's `META`.
pub mod ids {
    pub const YAML_SYNTAX: &str = "yaml-syntax";
    pub const DUPLICATE_KEY: &str = "duplicate-key";
    pub const YAML_UNSUPPORTED: &str = "yaml-unsupported";
    pub const YAML_LIMIT: &str = "yaml-limit";
    pub const YAML_AMBIGUOUS_VALUE: &str = "yaml-ambiguous-value";
    pub const UNREADABLE_FILE: &str = "unreadable-file";
    pub const EMPTY_FILE: &str = "empty-file";
    pub const SCHEMA: &str = "schema";
    pub const UNKNOWN_KIND: &str = "unknown-kind";
    pub const UNKNOWN_FIELD: &str = "unknown-field";

    /// Every built-in rule id, in the registry's order (a test in `rules` keeps the two
    /// equal): what the policy checks its rule settings and custom rule ids against without
    /// reaching into the rules.
    pub const BUILTIN_RULES: &[&str] = &[
        YAML_SYNTAX,
        DUPLICATE_KEY,
        YAML_AMBIGUOUS_VALUE,
        YAML_UNSUPPORTED,
        YAML_LIMIT,
        UNREADABLE_FILE,
        EMPTY_FILE,
        SCHEMA,
        UNKNOWN_KIND,
        "product-is-service",
        "single-category",
        "sla-defined",
        "sla-consistent",
        "agreement-type",
        "unique-id",
        "unresolved-reference",
        "dependency-cycle",
        "availability-exceeds-dependencies",
        "retired-dependency",
        "individual-owner",
        "invalid-suppression",
        "unused-suppression",
        UNKNOWN_FIELD,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// How many related places a report shows for one finding. The JSON report lists every
/// related place a finding holds; rules whose lists could grow with the square of the
/// catalogue (a transitive closure per service) hold only this many and say how many more
/// there are in their message. Text formats show this many and count the others.
pub const RELATED_SHOWN: usize = 10;

/// `15990` as `15,990`, for counts in messages.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A labelled place in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub location: Location,
    pub message: String,
}

impl Label {
    pub fn new(location: Location, message: impl Into<String>) -> Self {
        Self {
            location,
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: Cow<'static, str>,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    /// JSON pointer of the offending value within its document, where there is one.
    pub pointer: Option<String>,
    pub related: Vec<Label>,
    pub help: Option<String>,
    /// The edit that resolves the finding, where a rule knows it. Boxed: most findings
    /// have none, and diagnostics are many.
    pub fix: Option<Box<Fix>>,
}

/// How sure a fix is of what the author meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    /// The meaning is certainly unchanged, or certainly intended: `--fix` applies it.
    Safe,
    /// A guess (a near name, a changed value) that a person should confirm:
    /// only `--unsafe-fixes` applies it.
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// One text replacement: the bytes `range` of the finding's file become `text`. An empty
/// range inserts, an empty text deletes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    pub range: std::ops::Range<usize>,
    pub text: String,
}

impl Edit {
    pub fn replace(range: std::ops::Range<usize>, text: impl Into<String>) -> Self {
        Self {
            range,
            text: text.into(),
        }
    }

    pub fn delete(range: std::ops::Range<usize>) -> Self {
        Self::replace(range, "")
    }
}

/// A fix: edits in the finding's own file, applied together or not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub edits: Vec<Edit>,
    /// One line, imperative: "quote `no` so that YAML 1.1 tools read a string".
    pub description: String,
    pub applicability: Applicability,
}

impl Fix {
    pub fn safe(description: impl Into<String>, edits: Vec<Edit>) -> Self {
        Self {
            edits,
            description: description.into(),
            applicability: Applicability::Safe,
        }
    }

    pub fn unsafe_(description: impl Into<String>, edits: Vec<Edit>) -> Self {
        Self {
            edits,
            description: description.into(),
            applicability: Applicability::Unsafe,
        }
    }

    /// The smallest range that holds every edit.
    pub fn range(&self) -> std::ops::Range<usize> {
        let start = self.edits.iter().map(|e| e.range.start).min().unwrap_or(0);
        let end = self.edits.iter().map(|e| e.range.end).max().unwrap_or(0);
        start..end
    }
}

impl Diagnostic {
    pub fn new(
        rule: impl Into<Cow<'static, str>>,
        severity: Severity,
        message: impl Into<String>,
        primary: Label,
    ) -> Self {
        Self {
            rule: rule.into(),
            severity,
            message: message.into(),
            primary,
            pointer: None,
            related: Vec::new(),
            help: None,
            fix: None,
        }
    }

    pub fn with_pointer(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }

    pub fn with_related(mut self, label: Label) -> Self {
        self.related.push(label);
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(Box::new(fix));
        self
    }

    /// [`Diagnostic::with_fix`], for a rule whose fix is known only sometimes.
    pub fn with_fix_opt(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix.map(Box::new);
        self
    }

    pub fn file(&self) -> FileId {
        self.primary.location.file
    }

    /// Every place of the finding: the primary one, then the related ones.
    pub fn places(&self) -> impl Iterator<Item = &Location> {
        std::iter::once(&self.primary.location).chain(self.related.iter().map(|l| &l.location))
    }

    /// Output order: file path, then position, then rule id (so equal places stay stable).
    pub fn cmp_in(&self, other: &Self, files: &Files) -> Ordering {
        let a = &self.primary.location;
        let b = &other.primary.location;
        files
            .get(a.file)
            .path
            .cmp(&files.get(b.file).path)
            .then(a.span.start.cmp(&b.span.start))
            .then(a.span.end.cmp(&b.span.end))
            .then_with(|| self.rule.cmp(&other.rule))
            .then_with(|| self.message.cmp(&other.message))
    }
}

/// Sorts diagnostics into output order.
pub fn sort(diagnostics: &mut [Diagnostic], files: &Files) {
    diagnostics.sort_by(|a, b| a.cmp_in(b, files));
}

/// Counts of a finished run, shown in every report's summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub entities: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Files named on the command line that are not part of the catalogue.
    pub skipped: usize,
    /// Findings that `--fix` can fix, and those only `--unsafe-fixes` can.
    pub fixable: usize,
    pub unsafe_fixable: usize,
}

impl Summary {
    pub fn count(diagnostics: &[Diagnostic], files: usize, entities: usize) -> Self {
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        Self {
            files,
            entities,
            errors,
            warnings: diagnostics.len() - errors,
            skipped: 0,
            fixable: diagnostics
                .iter()
                .filter(|d| {
                    d.fix
                        .as_ref()
                        .is_some_and(|f| f.applicability == Applicability::Safe)
                })
                .count(),
            unsafe_fixable: diagnostics
                .iter()
                .filter(|d| {
                    d.fix
                        .as_ref()
                        .is_some_and(|f| f.applicability == Applicability::Unsafe)
                })
                .count(),
        }
    }
}

/// A stable identity for a finding that survives edits elsewhere in its file: the file, the
/// rule, the JSON pointer (or, without one, the text of the offending line) and a short
/// hash of the offending text. Line numbers are left out on purpose. Used by baselines and
/// SARIF `partialFingerprints`.
pub fn fingerprint(d: &Diagnostic, files: &Files) -> Fingerprint {
    let f = files.get(d.primary.location.file);
    let text = f.slice(&d.primary.location.span);
    let anchor = match &d.pointer {
        Some(p) => p.clone(),
        None => {
            let line = f.line_of(d.primary.location.span.start);
            f.slice(&(f.line_start(line)..f.line_end(line)))
                .trim()
                .to_owned()
        }
    };
    Fingerprint {
        file: f.path.clone(),
        rule: d.rule.to_string(),
        pointer: anchor,
        hash: format!("{:016x}", fnv1a(text.as_bytes())),
    }
}

#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct Fingerprint {
    pub file: String,
    pub rule: String,
    pub pointer: String,
    pub hash: String,
}

impl Fingerprint {
    /// One opaque string, for SARIF.
    pub fn digest(&self) -> String {
        let joined = format!(
            "{}\u{0}{}\u{0}{}\u{0}{}",
            self.file, self.rule, self.pointer, self.hash
        );
        format!("{:016x}", fnv1a(joined.as_bytes()))
    }
}

/// FNV-1a, 64 bits: small, stable across versions and platforms, and enough to tell
/// findings apart (this is an identity, not a security boundary).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_groups_digits() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(15990), "15,990");
        assert_eq!(super::thousands(1234567), "1,234,567");
    }
}
