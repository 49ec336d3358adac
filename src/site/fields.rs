//! Every field of an entity, as nested lists and tables: what the page shows under "Every
//! field", the organisation's own fields included.

use std::fmt::Write as _;

use super::html::esc;
use crate::load::{Node, View};

/// A scalar as text; `None` for a list or a mapping.
pub(super) fn scalar(v: Node<'_>) -> Option<String> {
    match v.view() {
        View::String(s) => Some(s.to_owned()),
        View::Number(n) => Some(n.to_string()),
        View::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Every field of a value, nested: mappings as definition lists, lists of flat mappings
/// as tables, other lists as lists. Deep values are cut off (hostile input stays small).
pub(super) fn tree(v: Node<'_>, depth: usize) -> String {
    if depth > 8 {
        return "…".into();
    }
    match v.view() {
        View::Null => "<span class=\"null\">empty</span>".into(),
        View::Bool(b) => b.to_string(),
        View::Number(n) => n.to_string(),
        View::String(s) => text_value(s),
        View::Array(items) => {
            let items: Vec<Node<'_>> = items.collect();
            if items.is_empty() {
                return "<span class=\"null\">none</span>".into();
            }
            if let Some(t) = flat_table(&items) {
                return t;
            }
            let mut s = String::from("<ul class=\"vals\">");
            for i in items {
                let _ = write!(s, "<li>{}</li>", tree(i, depth + 1));
            }
            s.push_str("</ul>");
            s
        }
        View::Object(members) => {
            let mut s = String::from("<dl class=\"tree\">");
            for (k, val) in members {
                let _ = write!(s, "<dt>{}</dt><dd>{}</dd>", esc(k), tree(val, depth + 1));
            }
            s.push_str("</dl>");
            s
        }
    }
}

/// A string; a web address becomes a link (only `http` and `https`: a `javascript:` value
/// stays text).
fn text_value(s: &str) -> String {
    if (s.starts_with("https://") || s.starts_with("http://")) && !s.contains(char::is_whitespace) {
        format!(
            "<a href=\"{}\" rel=\"nofollow noopener\">{}</a>",
            esc(s),
            esc(s)
        )
    } else {
        esc(s)
    }
}

/// Mappings of scalars with one set of keys, as a table.
fn flat_table(items: &[Node<'_>]) -> Option<String> {
    let first = items.first()?.as_object()?;
    let keys: Vec<&str> = first.map(|(k, _)| k).collect();
    for item in items {
        let m = item.as_object()?;
        if m.len() != keys.len()
            || m.clone()
                .any(|(k, v)| !keys.contains(&k) || scalar(v).is_none())
        {
            return None;
        }
    }
    let mut s = String::from("<table class=\"flat\"><thead><tr>");
    for k in &keys {
        let _ = write!(s, "<th scope=\"col\">{}</th>", esc(k));
    }
    s.push_str("</tr></thead><tbody>");
    for item in items {
        s.push_str("<tr>");
        for k in &keys {
            let v = item.get(k).and_then(scalar).unwrap_or_default();
            let _ = write!(s, "<td>{}</td>", text_value(&v));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
    Some(s)
}
