//! Completion: reference fields offer the ids of the right kind (names as detail), enum
//! fields their values, `category` and `priority` the policy's, and keys the schema's
//! fields. It reads the text around the cursor rather than the parsed document, because
//! the file being typed rarely parses: the path to the cursor comes from the indentation
//! of the lines above and from the flow collections open on the cursor's line.
//!
//! Why one file of this size: the path finder and the candidates for each place are read
//! together (what is offered depends on exactly how the path was found); the last 60 lines
//! are its unit tests.

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionList, CompletionParams, CompletionTextEdit,
    Documentation, TextEdit,
};
use serde_json::Value;

use super::{Answer, Server, cursor, fields, json};
use crate::catalogue::{API_VERSION, Catalogue, Kind, Names, REFERENCE_FIELDS};
use crate::policy::Policy;
use crate::source::SourceFile;

/// The most items one answer holds; the list is marked incomplete past it, so that the
/// client asks again as more is typed.
const MAX_ITEMS: usize = 500;

/// What the cursor is typing.
#[derive(Debug, PartialEq, Eq)]
enum Typing {
    /// A key of the mapping at `parent`.
    Key { parent: Vec<String>, prefix: String },
    /// The value at `path`.
    Value { path: Vec<String>, prefix: String },
}

/// One line, as the path finder reads it.
struct Line<'t> {
    /// Column of the first `- ` marker, or of the content when there is none.
    indent: usize,
    dashes: usize,
    /// Column where the content after the markers starts.
    col: usize,
    content: &'t str,
}

fn split_line(text: &str) -> Line<'_> {
    let indent = text.len() - text.trim_start_matches(' ').len();
    let mut rest = &text[indent..];
    let mut dashes = 0;
    while let Some(r) = rest
        .strip_prefix('-')
        .filter(|r| r.is_empty() || r.starts_with(' '))
    {
        dashes += 1;
        rest = r.trim_start_matches(' ');
    }
    Line {
        indent,
        dashes,
        col: text.len() - rest.len(),
        content: rest,
    }
}

/// The key of a block mapping entry (`key:` or `key: value`), if the line starts one.
fn block_key(content: &str) -> Option<&str> {
    let bytes = content.as_bytes();
    if matches!(
        bytes.first(),
        None | Some(b'#' | b'{' | b'[' | b'"' | b'\'')
    ) {
        return None;
    }
    let colon = content
        .char_indices()
        .find(|&(i, c)| c == ':' && matches!(bytes.get(i + 1), None | Some(b' ' | b'\t')))?
        .0;
    Some(content[..colon].trim())
}

/// The path of the mapping that holds a line at column `col` (or, after `- `, the list
/// that holds the item), read from the lines above.
fn parents(lines: &[&str], mut col: usize, mut in_item: bool) -> Vec<String> {
    let mut path = Vec::new();
    for text in lines.iter().rev() {
        let l = split_line(text);
        if l.content.is_empty() && l.dashes == 0 || l.content.starts_with('#') {
            continue;
        }
        if in_item {
            // Above an item: its list's key, at a smaller column (or at the same one, since
            // YAML lets `key:` and its `- ` items share a column).
            if let Some(k) = block_key(l.content)
                && (l.col < col || (l.col == col && l.dashes == 0))
            {
                path.push(k.to_owned());
                in_item = l.dashes > 0;
                col = l.indent;
            } else if l.col < col {
                return Vec::new(); // not a list under a key: nothing known
            }
            continue;
        }
        if l.dashes > 0 && l.col == col {
            // A sibling key on the item's first line: we are inside that item.
            path.push("0".to_owned());
            in_item = true;
            col = l.indent;
            continue;
        }
        if l.col < col {
            let Some(k) = block_key(l.content) else {
                return Vec::new();
            };
            path.push(k.to_owned());
            col = l.col;
            if l.dashes > 0 {
                path.push("0".to_owned());
                in_item = true;
                col = l.indent;
            }
            if col == 0 && !in_item {
                break;
            }
        }
    }
    if in_item {
        return Vec::new();
    }
    path.reverse();
    path
}

/// What the content of the cursor's line (after its `- ` markers, up to the cursor) types,
/// relative to the line's mapping: extra path segments for open flow collections, and
/// whether a key or a value.
fn line_typing(content: &str) -> (Vec<String>, bool, Option<String>, String) {
    // (segments, in a flow sequence, key of the value being typed, prefix)
    let mut segs: Vec<String> = Vec::new();
    let mut stack: Vec<(bool, usize)> = Vec::new(); // (is_sequence, segs length before)
    let mut key: Option<String> = None;
    let mut buf = String::new();
    let mut quote: Option<char> = None;
    let chars: Vec<char> = content.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            } else {
                buf.push(c);
            }
            continue;
        }
        match c {
            '"' | '\'' if buf.trim().is_empty() => quote = Some(c),
            '{' | '[' => {
                let before = segs.len();
                if let Some(k) = key.take() {
                    segs.push(k);
                } else if stack.last().is_some_and(|(seq, _)| *seq) {
                    segs.push("0".into());
                }
                if c == '[' {
                    segs.push("0".into());
                }
                stack.push((c == '[', before));
                buf.clear();
            }
            '}' | ']' => {
                if let Some((_, before)) = stack.pop() {
                    segs.truncate(before);
                }
                key = None;
                buf.clear();
            }
            ',' if !stack.is_empty() => {
                key = None;
                buf.clear();
            }
            ':' if matches!(chars.get(i + 1), None | Some(' ' | '\t')) && key.is_none() => {
                key = Some(buf.trim().to_owned());
                buf.clear();
            }
            _ => buf.push(c),
        }
    }
    let in_seq = stack.last().is_some_and(|(seq, _)| *seq);
    (segs, in_seq, key, buf.trim_start().to_owned())
}

/// What is being typed at `offset` of `source`, and the document's kind if it names one.
fn typing(source: &SourceFile, offset: usize) -> Option<(Typing, Option<Kind>)> {
    let text: &str = &source.text;
    let offset = offset.min(text.len());
    if !text.is_char_boundary(offset) {
        return None;
    }
    let line = source.line_of(offset);
    let start = source.line_start(line);
    let before = &text[start..offset];
    // The document's lines: back to its `---`, and on to the next, for its `kind`.
    let mut first = line;
    while first > 0 {
        let l = &text[source.line_start(first - 1)..source.line_end(first - 1)];
        if l.starts_with("---") {
            break;
        }
        first -= 1;
    }
    let mut last = line;
    while last + 1 < source.line_count() {
        let l = &text[source.line_start(last + 1)..source.line_end(last + 1)];
        if l.starts_with("---") {
            break;
        }
        last += 1;
    }
    let above: Vec<&str> = (first..line)
        .map(|l| &text[source.line_start(l)..source.line_end(l)])
        .collect();
    let kind = (first..=last)
        .filter(|&l| l != line)
        .map(|l| &text[source.line_start(l)..source.line_end(l)])
        .find_map(|l| l.strip_prefix("kind:").and_then(|k| Kind::parse(k.trim())));
    let l = split_line(before);
    if l.content.starts_with('#') {
        return None;
    }
    let mut path = parents(
        &above,
        if l.dashes > 0 { l.indent } else { l.col },
        l.dashes > 0,
    );
    if l.dashes > 0 {
        path.push("0".into());
    }
    let (segs, in_seq, key, prefix) = line_typing(l.content);
    path.extend(segs);
    let typing = match key {
        Some(k) => {
            path.push(k);
            Typing::Value { path, prefix }
        }
        None if in_seq => Typing::Value { path, prefix },
        None => Typing::Key {
            parent: path,
            prefix,
        },
    };
    Some((typing, kind))
}

/// The keys the mapping of the cursor's line holds already, on the lines above and below
/// at its column: a key is not offered twice.
fn present_keys(source: &SourceFile, offset: usize) -> Vec<String> {
    let text: &str = &source.text;
    let offset = offset.min(text.len());
    let line = source.line_of(offset);
    let line_text = |l: usize| &text[source.line_start(l)..source.line_end(l)];
    let here = split_line(&text[source.line_start(line)..offset]);
    let col = here.col;
    let mut keys = Vec::new();
    // An item's first line (`- key`) starts its mapping: nothing above belongs to it.
    let mut up = if here.dashes == 0 { line } else { 0 };
    while up > 0 {
        up -= 1;
        let l = split_line(line_text(up));
        if l.content.is_empty() || l.content.starts_with('#') || l.col > col {
            continue;
        }
        if l.col < col || l.content.starts_with("---") {
            break;
        }
        keys.extend(block_key(l.content).map(str::to_owned));
        if l.dashes > 0 {
            break;
        }
    }
    for down in line + 1..source.line_count() {
        let l = split_line(line_text(down));
        // Deeper lines, and a list written at the key's column under a key before it.
        let deeper = l.col > col && (l.dashes == 0 || l.indent >= col);
        if l.content.is_empty() || l.content.starts_with('#') || deeper {
            continue;
        }
        if l.col != col || l.dashes > 0 || l.content.starts_with("---") {
            break;
        }
        keys.extend(block_key(l.content).map(str::to_owned));
    }
    keys
}

/// Whether a path (with list items as `0`) is a reference field's pattern (items as `*`).
fn matches_field(path: &[String], field: &str) -> bool {
    let want: Vec<&str> = field.split('/').skip(1).collect();
    want.len() == path.len()
        && want
            .iter()
            .zip(path)
            .all(|(w, p)| *w == p || (*w == "*" && p.bytes().all(|b| b.is_ascii_digit())))
}

fn reference_kind(kind: Kind, path: &[String], policy: &Policy) -> Option<Names> {
    if let Some(&(_, _, names)) = REFERENCE_FIELDS
        .iter()
        .find(|(k, f, _)| *k == kind && matches_field(path, f))
    {
        return Some(names);
    }
    for rule in policy
        .custom_rules
        .iter()
        .filter(|r| r.kinds().contains(&kind))
    {
        for r in &rule.def.references {
            let target = Kind::parse(&r.kind)?;
            let direct = matches_field(path, &r.path);
            let item = path.split_last().is_some_and(|(last, head)| {
                last.bytes().all(|b| b.is_ascii_digit()) && matches_field(head, &r.path)
            });
            if direct || item {
                return Some(Names::Entity(target));
            }
        }
    }
    None
}

fn item(
    label: &str,
    detail: Option<String>,
    doc: Option<String>,
    kind: CompletionItemKind,
) -> CompletionItem {
    CompletionItem {
        label: label.to_owned(),
        kind: Some(kind),
        detail,
        documentation: doc.map(Documentation::String),
        ..CompletionItem::default()
    }
}

/// The values that fit at `path` of a document of `kind`.
fn values(
    kind: Option<Kind>,
    path: &[String],
    catalogue: &Catalogue,
    policy: &Policy,
    entity: Option<crate::catalogue::EntityRef<'_>>,
) -> Vec<CompletionItem> {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    match p.as_slice() {
        ["kind"] => {
            return Kind::ALL
                .iter()
                .map(|k| item(k.as_str(), None, None, CompletionItemKind::ENUM_MEMBER))
                .collect();
        }
        ["apiVersion"] => {
            return vec![item(API_VERSION, None, None, CompletionItemKind::CONSTANT)];
        }
        _ => {}
    }
    let Some(kind) = kind else {
        return Vec::new();
    };
    match reference_kind(kind, path, policy) {
        Some(Names::Entity(want)) => {
            // An entity never names itself (a service is not its own dependency).
            let me = entity.filter(|e| e.kind() == want).map(|e| e.id());
            return catalogue
                .of_kind(want)
                .filter_map(|e| {
                    let id = e.entity.id.as_deref()?;
                    if me == Some(id) {
                        return None;
                    }
                    let name = e.str_at("/metadata/name").map(str::to_owned);
                    Some(item(id, name, None, CompletionItemKind::REFERENCE))
                })
                .collect();
        }
        Some(Names::Offering) => {
            let Some(e) = entity else { return Vec::new() };
            return e
                .get("/spec/offerings")
                .and_then(crate::load::Node::as_array)
                .into_iter()
                .flatten()
                .filter_map(|o| {
                    let name = o.get("name").and_then(crate::load::Node::as_str)?;
                    Some(item(
                        name,
                        Some("offering".into()),
                        None,
                        CompletionItemKind::REFERENCE,
                    ))
                })
                .collect();
        }
        None => {}
    }
    match p.as_slice() {
        ["spec", "category"] if kind == Kind::Service => policy
            .categories
            .iter()
            .map(|c| {
                item(
                    &c.id,
                    c.description.clone(),
                    None,
                    CompletionItemKind::ENUM_MEMBER,
                )
            })
            .collect(),
        [.., "priority"] => policy
            .priorities
            .iter()
            .map(|pr| {
                item(
                    pr,
                    Some("priority".into()),
                    None,
                    CompletionItemKind::ENUM_MEMBER,
                )
            })
            .collect(),
        _ => fields::values(&policy.schemas, kind, &p)
            .iter()
            .map(|v| item(v, None, None, CompletionItemKind::ENUM_MEMBER))
            .collect(),
    }
}

pub fn completion(s: &Server<'_>, p: CompletionParams) -> Answer {
    let tp = p.text_document_position;
    let Some((ws, file)) = s.locate(&tp.text_document.uri)? else {
        return Ok(Value::Null);
    };
    let source = ws.files().get(file);
    let offset = s.offset(ws, file, tp.position);
    let Some((typing, kind)) = typing(source, offset) else {
        return Ok(Value::Null);
    };
    let catalogue = ws.catalogue();
    let policy = &ws.settings().policy;
    let entity = cursor::entity_at(catalogue, file, offset);
    let (mut items, prefix, is_key) = match typing {
        Typing::Value { path, prefix } => (
            values(kind, &path, catalogue, policy, entity),
            prefix,
            false,
        ),
        Typing::Key { parent, prefix } => {
            let present = present_keys(source, offset);
            let p: Vec<&str> = parent.iter().map(String::as_str).collect();
            let props: Vec<(String, Option<String>)> = match kind {
                Some(k) => fields::properties(&policy.schemas, k, &p),
                None if p.is_empty() => ["apiVersion", "kind", "metadata", "spec"]
                    .iter()
                    .map(|k| ((*k).to_owned(), None))
                    .collect(),
                None => Vec::new(),
            };
            let items = props
                .into_iter()
                .filter(|(name, _)| !present.contains(name))
                .map(|(name, doc)| {
                    let mut it = item(&name, None, doc, CompletionItemKind::FIELD);
                    it.insert_text = Some(format!("{name}: "));
                    it
                })
                .collect();
            (items, prefix, true)
        }
    };
    let lower = prefix.to_lowercase();
    items.retain(|i| i.label.to_lowercase().contains(&lower));
    // Those that start with what was typed first, then the others.
    items.sort_by_key(|i| !i.label.to_lowercase().starts_with(&lower));
    let incomplete = items.len() > MAX_ITEMS;
    items.truncate(MAX_ITEMS);
    let start = offset.saturating_sub(prefix.len());
    let range = s.range(ws, file, &(start..offset));
    for i in &mut items {
        let text = i.insert_text.take().unwrap_or_else(|| i.label.clone());
        let text = if is_key { text } else { quote_if_needed(&text) };
        i.filter_text = Some(i.label.clone());
        i.text_edit = Some(CompletionTextEdit::Edit(TextEdit {
            range,
            new_text: text,
        }));
    }
    json(CompletionList {
        is_incomplete: incomplete,
        items,
    })
}

/// A value written as a plain scalar when YAML reads it back as the same string.
fn quote_if_needed(v: &str) -> String {
    match crate::fix::replace_scalar("x", &(0..1), v) {
        Some(edit) => edit.text,
        None => v.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_end(text: &str) -> (Typing, Option<Kind>) {
        let f = SourceFile::new("a.yaml", text);
        typing(&f, text.len()).unwrap()
    }

    fn v(path: &[&str], prefix: &str) -> Typing {
        Typing::Value {
            path: path.iter().map(|s| (*s).to_owned()).collect(),
            prefix: prefix.into(),
        }
    }

    #[test]
    fn the_path_comes_from_indentation_and_open_flow_collections() {
        let head = "kind: Service\nspec:\n  owner:\n";
        assert_eq!(
            at_end(&format!("{head}    team: hr")),
            (v(&["spec", "owner", "team"], "hr"), Some(Kind::Service))
        );
        let deps = "kind: Service\nspec:\n  dependencies:\n    - service: a\n";
        assert_eq!(
            at_end(&format!("{deps}      kind: ha")).0,
            v(&["spec", "dependencies", "0", "kind"], "ha")
        );
        assert_eq!(
            at_end(&format!("{deps}    - {{service: cl")).0,
            v(&["spec", "dependencies", "0", "service"], "cl")
        );
        assert_eq!(
            at_end("kind: Service\nspec:\n  hours:\n    support: {days: [mon, tu").0,
            v(&["spec", "hours", "support", "days", "0"], "tu")
        );
        assert_eq!(
            at_end("kind: Team\nspec:\n  ema").0,
            Typing::Key {
                parent: vec!["spec".into()],
                prefix: "ema".into()
            }
        );
        // The kind may come after the cursor, and a document ends at `---`.
        let (t, kind) = at_end("kind: Team\n---\nmetadata:\n  id: x\nspec:\n  categ");
        assert_eq!(kind, None);
        assert!(matches!(t, Typing::Key { .. }));
    }

    #[test]
    fn reference_fields_match_with_any_index() {
        let path: Vec<String> = ["spec", "dependencies", "3", "service"]
            .map(String::from)
            .to_vec();
        assert!(matches_field(&path, "/spec/dependencies/*/service"));
        assert!(!matches_field(&path[..2], "/spec/dependencies/*/service"));
    }
}
