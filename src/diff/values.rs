//! Values as a diff shows and measures them: a cell's text, the leaves of a mapping, the
//! hours a week that service or support hours cover.

use std::collections::BTreeMap;

use serde_json::Value;

/// A value in a cell: strings bare, anything else as compact JSON.
pub(super) fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub(super) fn leaves(pointer: &str, v: &Value, owned: &[&str], out: &mut BTreeMap<String, Value>) {
    if owned
        .iter()
        .any(|o| pointer == *o || pointer.starts_with(&format!("{o}/")))
    {
        return;
    }
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, v) in m {
                let p = crate::load::push_segment(pointer, k);
                leaves(&p, v, owned, out);
            }
        }
        other => {
            out.insert(pointer.to_owned(), other.clone());
        }
    }
}

pub(super) fn describe_priority(response: &Option<String>, resolution: &Option<String>) -> String {
    format!(
        "response {}, resolution {}",
        response.as_deref().unwrap_or("none"),
        resolution.as_deref().unwrap_or("none")
    )
}

/// Minutes a week that hours cover: `24x7`, or days times the daily window (a window that
/// ends before it starts runs past midnight).
pub(super) fn weekly(v: &Value) -> Option<u64> {
    if v.as_str() == Some("24x7") {
        return Some(7 * 24 * 60);
    }
    let days = v.get("days")?.as_array()?.len() as u64;
    let clock = |k: &str| -> Option<u64> {
        let (h, m) = v.get(k)?.as_str()?.split_once(':')?;
        Some(h.parse::<u64>().ok()? * 60 + m.parse::<u64>().ok()?)
    };
    let (from, to) = (clock("from")?, clock("to")?);
    let daily = if to > from {
        to - from
    } else {
        to + 24 * 60 - from
    };
    Some(days * daily)
}

pub(super) fn show_hours(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let days = m
                .get("days")
                .and_then(Value::as_array)
                .map(|d| d.iter().map(show).collect::<Vec<_>>().join(","))
                .unwrap_or_default();
            let s = |k: &str| m.get(k).map(show).unwrap_or_default();
            let zone = m
                .get("timeZone")
                .map(show)
                .map(|z| format!(" {z}"))
                .unwrap_or_default();
            format!("{days} {}-{}{zone}", s("from"), s("to"))
        }
        other => show(other),
    }
}
