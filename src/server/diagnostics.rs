//! Findings as the editor shows them: one `publishDiagnostics` per file whose findings
//! changed since the last check, including an empty one for a file whose findings went (a
//! change in one file can create or clear findings in any other).

use std::collections::HashMap;
use std::path::Path;

use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location,
    NumberOrString, Uri,
};

use super::convert::{Encoding, Positions, uri_of};
use crate::diagnostic::{Diagnostic, Severity, ids};
use crate::policy::Policy;
use crate::source::{FileId, Files};

/// Where a rule's documentation is read on the web: its page of the book, in this
/// version's sources (`catalint explain RULE` prints the same text; `tests/book.rs` keeps
/// one page per rule). Not the rule's source file: a rule may be a folder of files.
pub fn rule_href(rule: &str, policy: Option<&Policy>) -> Option<lsp_types::Uri> {
    let text = if crate::rules::find(rule).is_some() {
        format!(
            "https://github.com/catalint/catalint/blob/v{}/{}",
            env!("CARGO_PKG_VERSION"),
            rule_page(rule)
        )
    } else {
        // A custom rule is documented where the policy defines it.
        let custom = policy?.custom_rules.iter().find(|r| r.def.id == rule)?;
        return uri_of(&std::path::absolute(Path::new(&custom.origin)).ok()?);
    };
    text.parse().ok()
}

/// A rule's page of the book, in the repository.
fn rule_page(rule: &str) -> String {
    format!("docs/src/rules/{rule}.md")
}

/// The editor's URI of a file of the workspace.
pub fn file_uri(files: &Files, file: FileId) -> Option<Uri> {
    let path = Path::new(&files.get(file).path);
    uri_of(&std::path::absolute(path).ok()?)
}

/// One finding for the editor.
pub fn to_lsp(
    d: &Diagnostic,
    files: &Files,
    policy: Option<&Policy>,
    encoding: Encoding,
) -> lsp_types::Diagnostic {
    let source = files.get(d.file());
    let range = Positions::new(source, encoding).range(&d.primary.location.span);
    let related: Vec<DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|l| {
            let file = files.get(l.location.file);
            Some(DiagnosticRelatedInformation {
                location: Location::new(
                    file_uri(files, l.location.file)?,
                    Positions::new(file, encoding).range(&l.location.span),
                ),
                message: l.message.clone(),
            })
        })
        .collect();
    let mut message = d.message.clone();
    // The label adds what the message does not say already (`invalid YAML: REASON`
    // labelled `REASON` showed the reason twice).
    if !d.primary.message.is_empty() && !d.message.contains(&d.primary.message) {
        message.push_str(&format!(" ({})", d.primary.message));
    }
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let tags = (d.rule == crate::rules::unused_suppression::META.id)
        .then(|| vec![DiagnosticTag::UNNECESSARY]);
    lsp_types::Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.rule.to_string())),
        code_description: rule_href(&d.rule, policy).map(|href| CodeDescription { href }),
        source: Some("catalint".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags,
        data: d
            .fix
            .as_ref()
            .map(|f| serde_json::json!({"fix": f.applicability.as_str()})),
    }
}

/// Every file's findings, by URI (files without findings are absent).
pub fn by_file(
    diagnostics: &[Diagnostic],
    files: &Files,
    policy: Option<&Policy>,
    encoding: Encoding,
) -> HashMap<Uri, Vec<lsp_types::Diagnostic>> {
    let mut out: HashMap<Uri, Vec<lsp_types::Diagnostic>> = HashMap::new();
    let mut uris: HashMap<FileId, Option<Uri>> = HashMap::new();
    for d in diagnostics {
        let uri = uris
            .entry(d.file())
            .or_insert_with(|| file_uri(files, d.file()));
        if let Some(uri) = uri {
            out.entry(uri.clone())
                .or_default()
                .push(to_lsp(d, files, policy, encoding));
        }
    }
    out
}

/// What to publish so that the editor shows `now`, when it shows `before`: the files whose
/// findings changed, and an empty list for each file whose findings went.
pub fn changes(
    before: &HashMap<Uri, Vec<lsp_types::Diagnostic>>,
    now: &HashMap<Uri, Vec<lsp_types::Diagnostic>>,
) -> Vec<(Uri, Vec<lsp_types::Diagnostic>)> {
    let mut out: Vec<(Uri, Vec<lsp_types::Diagnostic>)> = now
        .iter()
        .filter(|(uri, d)| before.get(*uri) != Some(*d))
        .map(|(u, d)| (u.clone(), d.clone()))
        .collect();
    out.extend(
        before
            .keys()
            .filter(|u| !now.contains_key(*u))
            .map(|u| (u.clone(), Vec::new())),
    );
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Whether a rule's finding means the file could not be read as a whole: it is not fixed
/// or edited from the editor.
pub fn unreadable(rule: &str) -> bool {
    matches!(rule, ids::UNREADABLE_FILE | ids::YAML_LIMIT)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 26: the link of `availability-exceeds-dependencies` named a missing file.
    #[test]
    fn every_rule_links_a_page_that_exists() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let prefix = format!(
            "https://github.com/catalint/catalint/blob/v{}/",
            env!("CARGO_PKG_VERSION")
        );
        let ids: Vec<&str> = crate::rules::REGISTRY.iter().map(|r| r.meta().id).collect();
        assert!(
            ids.contains(&"availability-exceeds-dependencies"),
            "{ids:?}"
        );
        for id in ids {
            let href = rule_href(id, None).unwrap();
            let path = href.as_str().strip_prefix(&prefix).unwrap();
            assert!(root.join(path).is_file(), "{id}: {href:?}");
        }
    }
}
