//! Go to definition, find references, document and workspace symbols.

use lsp_types::{
    DocumentSymbol, DocumentSymbolParams, GotoDefinitionParams, Location, ReferenceParams,
    SymbolInformation, SymbolKind, WorkspaceSymbolParams,
};
use serde_json::Value;

use super::diagnostics::file_uri;
use super::{Answer, Server, cursor, json};
use crate::catalogue::{EntityRef, Kind};
use crate::load::Node;
use crate::workspace::Workspace;

/// The most workspace symbols one answer lists (clients filter further as the user types).
const WORKSPACE_SYMBOLS: usize = 256;

pub fn location(
    s: &Server<'_>,
    ws: &Workspace,
    e: EntityRef<'_>,
    pointer: &str,
) -> Option<Location> {
    let uri = file_uri(ws.files(), e.file())?;
    // A file deleted since the last check (its watcher event still on the way) is not
    // opened: the editor would show an empty new file.
    let path = std::path::Path::new(&ws.files().get(e.file()).path);
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    if s.documents.get(&path).is_none() && !path.exists() {
        return None;
    }
    Some(Location::new(
        uri,
        s.range(ws, e.file(), &e.value_span(pointer)),
    ))
}

pub fn definition(s: &Server<'_>, p: GotoDefinitionParams) -> Answer {
    let tp = p.text_document_position_params;
    let Some((ws, file)) = s.locate(&tp.text_document.uri)? else {
        return Ok(Value::Null);
    };
    let offset = s.offset(ws, file, tp.position);
    let catalogue = ws.catalogue();
    let policy = &ws.settings().policy;
    let Some(at) = cursor::at(catalogue, file, offset) else {
        return Ok(Value::Null);
    };
    match cursor::named(catalogue, &at, policy) {
        Some((e, pointer)) => json(location(s, ws, e, &pointer)),
        None => Ok(Value::Null),
    }
}

pub fn references(s: &Server<'_>, p: ReferenceParams) -> Answer {
    let tp = p.text_document_position;
    let Some((ws, file)) = s.locate(&tp.text_document.uri)? else {
        return Ok(Value::Null);
    };
    let offset = s.offset(ws, file, tp.position);
    let catalogue = ws.catalogue();
    let policy = &ws.settings().policy;
    let Some((target, pointer)) =
        cursor::at(catalogue, file, offset).and_then(|at| cursor::named(catalogue, &at, policy))
    else {
        return Ok(Value::Null);
    };
    let mut out: Vec<Location> = Vec::new();
    if p.context.include_declaration {
        out.extend(location(s, ws, target, &pointer));
    }
    for (e, ptr) in cursor::referrers(catalogue, policy, target, &pointer) {
        out.extend(location(s, ws, e, &ptr));
    }
    json(out)
}

fn symbol_kind(kind: Kind) -> SymbolKind {
    match kind {
        Kind::Service => SymbolKind::CLASS,
        Kind::Product => SymbolKind::MODULE,
        Kind::Team => SymbolKind::STRUCT,
        Kind::Declared(_) => SymbolKind::OBJECT,
    }
}

fn name_of(e: EntityRef<'_>) -> Option<&str> {
    e.str_at("/metadata/name")
}

pub fn document_symbols(s: &Server<'_>, p: DocumentSymbolParams) -> Answer {
    let Some((ws, file)) = s.locate(&p.text_document.uri)? else {
        return Ok(Value::Null);
    };
    let mut out = Vec::new();
    for e in ws.catalogue().iter().filter(|e| e.file() == file) {
        let range = s.range(ws, file, &e.source.doc.span);
        let id_span = e.value_span("/metadata/id");
        let selection = s.range(ws, file, &id_span);
        // Offerings are what a user requests of a service: listed under it.
        let offerings: Vec<DocumentSymbol> = e
            .get("/spec/offerings")
            .and_then(Node::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .filter_map(|(i, o)| {
                let name = o.get("name").and_then(Node::as_str)?;
                let pointer = format!("/spec/offerings/{i}");
                let whole = s.range(ws, file, &e.value_span(&pointer));
                let at = s.range(ws, file, &e.value_span(&format!("{pointer}/name")));
                #[allow(deprecated)]
                Some(DocumentSymbol {
                    name: name.to_owned(),
                    detail: Some("offering".into()),
                    kind: SymbolKind::FUNCTION,
                    tags: None,
                    deprecated: None,
                    range: whole,
                    selection_range: at,
                    children: None,
                })
            })
            .collect();
        let name = match e.entity.id.as_deref() {
            Some(id) if !id.is_empty() => id.to_owned(),
            _ => format!("({} without an id)", e.kind().as_str()),
        };
        #[allow(deprecated)]
        out.push(DocumentSymbol {
            name,
            detail: Some(match name_of(e) {
                Some(n) => format!("{}: {n}", e.kind().as_str()),
                None => e.kind().as_str().to_owned(),
            }),
            kind: symbol_kind(e.kind()),
            tags: None,
            deprecated: None,
            range,
            // The selection must lie inside the range: an id missing falls back to the start.
            selection_range: if id_span.start >= e.source.doc.span.start {
                selection
            } else {
                lsp_types::Range::new(range.start, range.start)
            },
            children: (!offerings.is_empty()).then_some(offerings),
        });
    }
    json(out)
}

pub fn workspace_symbols(s: &Server<'_>, p: WorkspaceSymbolParams) -> Answer {
    let query = p.query.to_lowercase();
    let mut out: Vec<SymbolInformation> = Vec::new();
    'all: for ws in s.workspaces() {
        for e in ws.catalogue().iter() {
            let Some(id) = e.entity.id.as_deref() else {
                continue;
            };
            let name = name_of(e);
            let hit = id.to_lowercase().contains(&query)
                || name.is_some_and(|n| n.to_lowercase().contains(&query));
            if !hit {
                continue;
            }
            let Some(location) = location(s, ws, e, "/metadata/id") else {
                continue;
            };
            #[allow(deprecated)]
            out.push(SymbolInformation {
                name: id.to_owned(),
                kind: symbol_kind(e.kind()),
                tags: None,
                deprecated: None,
                location,
                container_name: Some(match name {
                    Some(n) => format!("{}: {n}", e.kind().as_str()),
                    None => e.kind().as_str().to_owned(),
                }),
            });
            if out.len() >= WORKSPACE_SYMBOLS {
                break 'all;
            }
        }
    }
    json(out)
}
