//! Hover: on a reference, what it names (kind, name, owner, file); on a field's key, what
//! the schema says it is; on a rule id in a suppression comment or on a finding, the rule's
//! summary as `catalint explain` gives it.

use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};
use serde_json::Value;

use super::{Answer, Server, cursor, fields, json};
use crate::catalogue::{EntityRef, Kind, Names};
use crate::policy::Policy;
use crate::source::SourceFile;
use crate::workspace::Workspace;

pub fn hover(s: &Server<'_>, p: HoverParams) -> Answer {
    let tp = p.text_document_position_params;
    let Some((ws, file)) = s.locate(&tp.text_document.uri)? else {
        return Ok(Value::Null);
    };
    let offset = s.offset(ws, file, tp.position);
    let policy = &ws.settings().policy;
    let source = ws.files().get(file);
    let mut parts: Vec<String> = Vec::new();
    let mut span: Option<std::ops::Range<usize>> = None;

    if let Some((word, at)) = suppressed_rule(source, offset)
        && let Some(text) = rule_summary(policy, word)
    {
        parts.push(text);
        span = Some(at);
    }
    let catalogue = ws.catalogue();
    if parts.is_empty()
        && let Some(at) = cursor::at(catalogue, file, offset)
    {
        let text = if at.on_key {
            let path = fields::segments(&at.pointer);
            let path: Vec<&str> = path.iter().map(String::as_str).collect();
            fields::description(&policy.schemas, at.entity.kind(), &path).map(|d| {
                let key = path.last().copied().unwrap_or_default();
                format!("`{key}`: {d}")
            })
        } else {
            reference(s, ws, &at, policy).or_else(|| enum_value(&at, policy))
        };
        if let Some(t) = text {
            parts.push(t);
            span = Some(at.span.clone());
        }
    }
    // The findings here: their rules, in a line each.
    for d in ws.diagnostics().iter().filter(|d| {
        let sp = &d.primary.location.span;
        d.file() == file && sp.start <= offset && offset <= sp.end.max(sp.start + 1)
    }) {
        if let Some(text) = rule_summary(policy, &d.rule)
            && !parts.contains(&text)
        {
            parts.push(text);
        }
    }
    if parts.is_empty() {
        return Ok(Value::Null);
    }
    json(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: parts.join("\n\n---\n\n"),
        }),
        range: span.map(|sp| s.range(ws, file, &sp)),
    })
}

/// "**`rule`** (error): summary", for a rule the policy knows.
fn rule_summary(policy: &Policy, rule: &str) -> Option<String> {
    let info = crate::rules::rulebook(policy)
        .into_iter()
        .find(|r| r.id == rule)?;
    Some(format!(
        "**`{}`** ({}): {}\n\n`catalint explain {}` for the whole documentation",
        info.id,
        info.default_severity.as_str(),
        info.summary,
        info.id
    ))
}

/// The rule id under the cursor when the cursor is in a suppression comment.
fn suppressed_rule(source: &SourceFile, offset: usize) -> Option<(&str, std::ops::Range<usize>)> {
    let text: &str = &source.text;
    let line = source.line_of(offset.min(text.len()));
    let (start, end) = (source.line_start(line), source.line_end(line));
    let content = text.get(start..end)?;
    let comment = content.trim_start();
    if !comment.starts_with('#') || !comment.contains("catalint-disable") {
        return None;
    }
    // Rule ids come before ` -- reason`.
    let rules_end = content.find(" -- ").map_or(end, |i| start + i);
    if offset > rules_end {
        return None;
    }
    word_at(text, offset, start, rules_end)
}

/// The word of rule-id characters around `offset`, within `lo..hi`.
fn word_at(
    text: &str,
    offset: usize,
    lo: usize,
    hi: usize,
) -> Option<(&str, std::ops::Range<usize>)> {
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    let bytes = text.as_bytes();
    let mut a = offset.min(hi);
    while a > lo && is_word(bytes[a - 1]) {
        a -= 1;
    }
    let mut b = offset.min(hi);
    while b < hi && is_word(bytes[b]) {
        b += 1;
    }
    (a < b).then(|| (&text[a..b], a..b))
}

/// A value the schema or the policy lists (a lifecycle, a category, a priority): what it
/// is, the field's description and the other values allowed there.
fn enum_value(at: &cursor::At<'_>, policy: &Policy) -> Option<String> {
    let value = at.entity.str_at(&at.pointer)?;
    let path = fields::segments(&at.pointer);
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    let kind = at.entity.kind();
    let key = path.last().copied().unwrap_or_default();
    let (allowed, what): (Vec<String>, Option<String>) = match path.as_slice() {
        ["spec", "category"] if kind == Kind::Service => (
            policy.category_ids().map(str::to_owned).collect(),
            policy.category(value).and_then(|c| c.description.clone()),
        ),
        [.., "priority"] => (policy.priorities.clone(), None),
        _ => (fields::values(&policy.schemas, kind, &path), None),
    };
    if allowed.len() < 2 {
        return None;
    }
    let mut text = match allowed.iter().any(|v| v == value) {
        true => format!("`{key}`: `{value}`"),
        false => format!("`{key}`: `{value}` is not one of the allowed values"),
    };
    if let Some(w) = what {
        text.push_str(&format!(": {w}"));
    }
    if let Some(d) = fields::description(&policy.schemas, kind, &path) {
        text.push_str(&format!("\n\n{d}"));
    }
    let list: Vec<String> = allowed.iter().map(|v| format!("`{v}`")).collect();
    text.push_str(&format!("\n\none of: {}", list.join(", ")));
    Some(text)
}

/// What a reference value names, in words.
fn reference(
    s: &Server<'_>,
    ws: &Workspace,
    at: &cursor::At<'_>,
    policy: &Policy,
) -> Option<String> {
    let catalogue = ws.catalogue();
    let r = cursor::reference_at(at.entity, &at.pointer, policy)?;
    let Some((target, pointer)) = cursor::target(catalogue, at.entity, &r) else {
        return Some(match r.names {
            Names::Entity(kind) => format!("no {} has the id `{}`", kind.as_str(), r.value),
            Names::Offering => format!("`{}` offers no `{}`", at.entity.id(), r.value),
        });
    };
    let file = ws.files().get(target.file());
    let line = file.line_col(target.value_span(&pointer).start).line;
    let place = format!("{}:{line}", s.show_path(&file.path));
    if r.names == Names::Offering {
        let base = pointer.trim_end_matches("/name");
        let mut text = format!("**offering** `{}` of `{}`", r.value, target.id());
        if let Some(d) = target.str_at(&format!("{base}/description")) {
            text.push_str(&format!("\n\n{d}"));
        }
        text.push_str(&format!("\n\n{place}"));
        return Some(text);
    }
    Some(describe(target, &place))
}

fn describe(e: EntityRef<'_>, place: &str) -> String {
    let mut text = format!("**{}** `{}`", e.kind().as_str(), e.id());
    if let Some(name) = e.str_at("/metadata/name") {
        text.push_str(&format!(": {name}"));
    }
    if let Some(d) = e.str_at("/metadata/description") {
        text.push_str(&format!("\n\n{d}"));
    }
    let owner = match e.kind() {
        Kind::Service => e
            .str_at("/spec/owner/team")
            .map(|t| format!("owner: team `{t}`")),
        Kind::Product => e.str_at("/spec/team").map(|t| format!("team: `{t}`")),
        Kind::Team => e.str_at("/spec/manager").map(|m| format!("manager: {m}")),
        Kind::Declared(_) => None,
    };
    if let Some(o) = owner {
        text.push_str(&format!("\n\n{o}"));
    }
    text.push_str(&format!("\n\n{place}"));
    text
}
