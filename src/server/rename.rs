//! Rename an entity id (on its `metadata.id` or on any reference to it) or an offering's
//! name: one workspace edit that changes the definition and every reference, across files.
//! Each value keeps its quoting; a value written through an alias, a tag or a block scalar
//! is a person's to change, so such a rename is refused rather than done in part.

use std::collections::HashMap;

use lsp_server::ErrorCode;
use lsp_types::{
    PrepareRenameResponse, RenameParams, TextDocumentPositionParams, TextEdit, Uri, WorkspaceEdit,
};
use serde_json::Value;

use super::diagnostics::file_uri;
use super::{Answer, Server, cursor, json};
use crate::catalogue::EntityRef;
use crate::fix::replace_scalar;

pub fn prepare(s: &Server<'_>, p: TextDocumentPositionParams) -> Answer {
    let Some((ws, file)) = s.locate(&p.text_document.uri)? else {
        return Ok(Value::Null);
    };
    let offset = s.offset(ws, file, p.position);
    let catalogue = ws.catalogue();
    let Some(at) = cursor::at(catalogue, file, offset) else {
        return Ok(Value::Null);
    };
    let Some((target, pointer)) = cursor::named(catalogue, &at, &ws.settings().policy) else {
        return Ok(Value::Null);
    };
    let placeholder = target.str_at(&pointer).unwrap_or_default().to_owned();
    json(PrepareRenameResponse::RangeWithPlaceholder {
        range: s.range(ws, file, &at.span),
        placeholder,
    })
}

/// Whether `id` is an id the schema accepts (`common.schema.json#/$defs/id`).
fn valid_id(id: &str) -> bool {
    let b = id.as_bytes();
    let ok = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    !b.is_empty()
        && b.len() <= 63
        && b.iter().all(|c| ok(c) || *c == b'-')
        && b.first().is_some_and(ok)
        && b.last().is_some_and(ok)
}

pub fn rename(s: &Server<'_>, p: RenameParams) -> Answer {
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
        return Err((
            ErrorCode::InvalidParams,
            "nothing to rename here: place the cursor on an id or a reference".into(),
        ));
    };
    let new = p.new_name.trim();
    let is_id = pointer == "/metadata/id";
    if is_id && !valid_id(new) {
        return Err((
            ErrorCode::InvalidParams,
            format!(
                "`{new}` is not an id: 1 to 63 lowercase letters, digits or '-', starting and \
                 ending with a letter or digit"
            ),
        ));
    }
    if new.is_empty() {
        return Err((ErrorCode::InvalidParams, "a name cannot be empty".into()));
    }
    if is_id && catalogue.get(new).is_some() && new != target.id() {
        return Err((
            ErrorCode::InvalidParams,
            format!("`{new}` is already the id of an entity"),
        ));
    }
    let mut places: Vec<(EntityRef<'_>, String)> = vec![(target, pointer.clone())];
    places.extend(cursor::referrers(catalogue, policy, target, &pointer));
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for (e, ptr) in places {
        let source = ws.files().get(e.file());
        let span = e.value_span(&ptr);
        let edit = (e.written_at(&ptr).is_none())
            .then(|| replace_scalar(&source.text, &span, new))
            .flatten();
        let Some(edit) = edit else {
            let line = source.line_col(span.start).line;
            return Err((
                ErrorCode::RequestFailed,
                format!(
                    "cannot rename: the value at {}:{line} is written through an alias, a tag \
                     or a block; change it by hand",
                    s.show_path(&source.path)
                ),
            ));
        };
        let Some(uri) = file_uri(ws.files(), e.file()) else {
            continue;
        };
        changes.entry(uri).or_default().push(TextEdit {
            range: s.range(ws, e.file(), &edit.range),
            new_text: edit.text,
        });
    }
    json(WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_follow_the_schema() {
        assert!(super::valid_id("hr-systems"));
        assert!(super::valid_id("a1"));
        assert!(!super::valid_id("-a"));
        assert!(!super::valid_id("A"));
        assert!(!super::valid_id(""));
        assert!(!super::valid_id(&"a".repeat(64)));
    }
}
