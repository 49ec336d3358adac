//! The stages a check runs over the workspace's state, each for the entities or documents
//! the state says need it.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use super::state::{DocCheck, Env};
use crate::catalogue::{Catalogue, EntityRef, Kind};
use crate::diagnostic::{Diagnostic, Label};
use crate::load;
use crate::rules::{self, Context, REGISTRY};
use crate::schema;
use crate::source::{FileId, Location};

pub(super) fn validate_document(
    env: &Env<'_>,
    catalogue: &Catalogue,
    i: usize,
    kind: Option<Kind>,
    focus: Option<&[bool]>,
) -> DocCheck {
    let source = &catalogue.documents[i];
    let focused = in_focus(focus, source.file);
    let Some(kind) = kind else {
        let findings = match focused {
            true => schema::ambiguity(source.file, &source.doc, &[]),
            false => Vec::new(),
        };
        return DocCheck {
            findings,
            failed: Vec::new(),
        };
    };
    // Every kind the index knows has a schema, when `schemas` are the policy's.
    let Some(compiled) = env.schemas.get(kind) else {
        return DocCheck::default();
    };
    let check = schema::SchemaCheck {
        compiled,
        file: source.file,
        text: &catalogue.files.get(source.file).text,
        doc: &source.doc,
    };
    let owned = |issue: &schema::Issue| schema::owned_by_domain_rule(kind, issue);
    if !focused {
        return DocCheck {
            findings: Vec::new(),
            failed: schema::failed_pointers(&check, &owned),
        };
    }
    let mut findings = schema::check_document(&check, &owned);
    let failed = findings.iter().filter_map(|d| d.pointer.clone()).collect();
    let ambiguous = schema::ambiguity(source.file, &source.doc, &findings);
    findings.extend(ambiguous);
    DocCheck { findings, failed }
}

/// What the per-entity rules found.
pub(super) struct EntityFindings {
    /// By file: the findings of the rules that read only their entity (for the changed
    /// files) and of those that look others up (for the files to recheck).
    pub by_file: HashMap<FileId, (Vec<Diagnostic>, Vec<Diagnostic>)>,
    /// A focused run's findings, which are not kept.
    pub uncached: Vec<Diagnostic>,
}

/// Per-entity rules: those that read only their entity for the entities of changed files,
/// those that look other entities up for the entities of the files in `recheck`.
///
/// In a focused run nothing is kept: only the entities of the reported files, and those that
/// name one of their ids, are checked (a per-entity finding can have a related place in
/// another file: a live product on a service that a staged edit made `pipeline`), and the
/// places decide what is reported.
pub(super) fn entity_rules(
    cx: &Context<'_>,
    env: &Env<'_>,
    focus: Option<&[bool]>,
    changed: &[bool],
    recheck: &[bool],
) -> EntityFindings {
    let catalogue = cx.catalogue;
    let focused_ids: HashSet<&str> = match focus {
        None => HashSet::new(),
        Some(_) => catalogue
            .iter()
            .filter(|e| in_focus(focus, e.file()))
            .filter_map(|e| e.entity.id.as_deref())
            .collect(),
    };
    let entity_rules = || {
        REGISTRY
            .iter()
            .filter(|r| r.meta().stage == rules::Stage::Entity && !(env.off)(r.meta().id))
    };
    let flag = |marks: &[bool], file: FileId| marks.get(file.0 as usize).copied().unwrap_or(true);
    let results: Vec<(FileId, Vec<Diagnostic>, Vec<Diagnostic>)> = (0..catalogue.entities.len())
        .into_par_iter()
        .filter(|&i| {
            let file = catalogue.entity(i).file();
            focus.is_some() || flag(changed, file) || flag(recheck, file)
        })
        .map(|i| {
            let e = catalogue.entity(i);
            let mut own = Vec::new();
            let mut across = Vec::new();
            let custom = env
                .policy
                .custom_rules
                .iter()
                .filter(|r| !(env.off)(&r.def.id));
            if focus.is_some() {
                if !in_focus(focus, e.file()) && !names_any(e, &focused_ids) {
                    for rule in custom {
                        rule.check_references(cx, e, &mut across);
                    }
                } else {
                    for rule in entity_rules() {
                        rule.check_entity(cx, e, &mut across);
                    }
                    for rule in custom {
                        rule.check_entity(cx, e, &mut across);
                    }
                }
                return (e.file(), own, across);
            }
            let (own_too, lookups) = (flag(changed, e.file()), flag(recheck, e.file()));
            for rule in entity_rules() {
                match rule.reads_only_its_entity() {
                    true if own_too => rule.check_entity(cx, e, &mut own),
                    true => {}
                    false if lookups => rule.check_entity(cx, e, &mut across),
                    false => {}
                }
            }
            if lookups {
                for rule in custom {
                    rule.check_entity(cx, e, &mut across);
                }
            }
            (e.file(), own, across)
        })
        .collect();
    let mut found = EntityFindings {
        by_file: HashMap::new(),
        uncached: Vec::new(),
    };
    for (file, own, across) in results {
        if focus.is_some() {
            found.uncached.extend(across);
        } else if !own.is_empty() || !across.is_empty() {
            let slot = found.by_file.entry(file).or_default();
            slot.0.extend(own);
            slot.1.extend(across);
        }
    }
    found
}

pub(super) fn collect_strings(node: load::Node<'_>, out: &mut Vec<Box<str>>) {
    match node.view() {
        load::View::String(s) => out.push(s.into()),
        load::View::Array(items) => items.into_iter().for_each(|n| collect_strings(n, out)),
        load::View::Object(members) => members
            .into_iter()
            .for_each(|(_, n)| collect_strings(n, out)),
        _ => {}
    }
}

/// The files, among those not yet in `skip`, whose documents hold a string value that may
/// name one of `keys` (as [`mention_key`] keys it; keys of maps are not mentions, as in
/// [`collect_strings`]): a scan, for a check that builds no index of mentions.
pub(super) fn files_mentioning(
    catalogue: &Catalogue,
    documents_of: &[std::ops::Range<usize>],
    skip: &[bool],
    keys: &[Box<str>],
    format: crate::catalogue::Format,
) -> Vec<usize> {
    fn walk(node: load::Node<'_>, keys: &HashSet<&str>, format: crate::catalogue::Format) -> bool {
        match node.view() {
            load::View::String(s) => match format {
                crate::catalogue::Format::Catalint => keys.contains(s),
                crate::catalogue::Format::Backstage => keys.contains(&*mention_key(format, s)),
            },
            load::View::Array(items) => items.into_iter().any(|n| walk(n, keys, format)),
            load::View::Object(members) => members.into_iter().any(|(_, n)| walk(n, keys, format)),
            _ => false,
        }
    }
    let keys: HashSet<&str> = keys.iter().map(|k| &**k).collect();
    (0..documents_of.len())
        .into_par_iter()
        .filter(|&i| !skip.get(i).copied().unwrap_or(false))
        .filter(|&i| {
            let docs = documents_of.get(i).cloned().unwrap_or(0..0);
            catalogue.documents[docs]
                .iter()
                .any(|d| walk(d.doc.value.root(), &keys, format))
        })
        .collect()
}

/// Catalogue-wide rules are independent of each other: run side by side.
pub(super) fn catalogue_rules(cx: &Context<'_>, env: &Env<'_>) -> Vec<Diagnostic> {
    let builtin = REGISTRY
        .par_iter()
        .filter(|r| r.meta().stage == rules::Stage::Catalogue && !(env.off)(r.meta().id))
        .flat_map_iter(|rule| {
            let mut out = Vec::new();
            rule.check_catalogue(cx, &mut out);
            out
        });
    let custom = env
        .policy
        .custom_rules
        .par_iter()
        .filter(|r| !(env.off)(&r.def.id))
        .flat_map_iter(|rule| {
            let mut out = Vec::new();
            rule.check_catalogue(cx, &mut out);
            out
        });
    builtin.chain(custom).collect()
}

pub(super) fn empty_file(id: FileId) -> Diagnostic {
    Diagnostic::new(
        rules::empty_file::META.id,
        rules::empty_file::META.default_severity,
        "the file holds no catalogue entity",
        Label::new(Location::new(id, 0..0), "empty, or only comments"),
    )
    .with_help("write the entity, or delete the file")
}

/// Whether any string in `e`'s document is one of `ids`: a cheap over-approximation of
/// "`e` refers to one of them" (an extra check only costs time; places filter the output).
fn names_any(e: EntityRef<'_>, ids: &HashSet<&str>) -> bool {
    if ids.is_empty() {
        return false;
    }
    fn walk(node: load::Node<'_>, ids: &HashSet<&str>) -> bool {
        match node.view() {
            load::View::String(s) => ids.contains(s),
            load::View::Array(items) => items.into_iter().any(|n| walk(n, ids)),
            load::View::Object(members) => members.into_iter().any(|(_, n)| walk(n, ids)),
            _ => false,
        }
    }
    e.get("/spec").is_some_and(|spec| walk(spec, ids))
}

pub(crate) fn in_focus(focus: Option<&[bool]>, file: FileId) -> bool {
    focus.is_none_or(|f| f.get(file.0 as usize).copied().unwrap_or(false))
}

/// What a string may name, as the index of mentions keys it: the string itself in the
/// catalogue format (references name ids as written); in a Backstage catalogue the name part
/// of `[kind:][namespace/]name` in lower case, so that `Team-A`, `group:team-a` and
/// `group:default/team-a` all meet the id `group:default/team-a`.
pub(super) fn mention_key(format: crate::catalogue::Format, s: &str) -> Box<str> {
    match format {
        crate::catalogue::Format::Catalint => s.into(),
        crate::catalogue::Format::Backstage => {
            match crate::catalogue::backstage::reference::split(s) {
                Ok((_, _, name)) => name.to_lowercase().into(),
                Err(_) => s.to_lowercase().into(),
            }
        }
    }
}

/// A file's new input taken in: its reading problem, the loader's findings and `empty-file`
/// kept, its source put in `files` (replacing the old one, or added), its documents returned
/// for the index. The file's earlier results are dropped, unless it comes from the cache
/// (pending but not dirty): then it brings its documents, and its results stay.
pub(super) fn admit_input(
    state: &mut super::state::FileState,
    id: FileId,
    mut input: crate::read::Input,
    files: &mut crate::source::Files,
) -> Vec<crate::load::Document> {
    let restored = !state.dirty;
    if !restored {
        state.loaded.clear();
        state.schema.clear();
        state.own.clear();
        state.across.clear();
        state.loaded.extend(input.problem_diagnostic());
    }
    let crate::read::Input { source, loaded, .. } = input;
    if (id.0 as usize) < files.len() {
        files.replace(id, source);
    } else {
        files.add(source);
    }
    let Some(loaded) = loaded else {
        return Vec::new();
    };
    if !restored {
        let any_document = loaded.documents.iter().any(|d| !d.value.is_null());
        if !any_document && loaded.diagnostics.is_empty() {
            state.loaded.push(empty_file(id));
        }
        state.loaded.extend(loaded.diagnostics);
    }
    loaded.documents
}
