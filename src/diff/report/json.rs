//! `catalint diff --format json`: one object of a documented, versioned shape (the book,
//! "Reviewing changes"). A field is only ever added within a version.

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::diff::{Change, Diff, Place, SideInfo};

pub const VERSION: u32 = 1;

fn place(p: &Place) -> Value {
    json!({
        "side": p.side.as_str(),
        "file": p.file,
        "line": p.line,
        "column": p.column,
        "endLine": p.end_line,
        "endColumn": p.end_column,
    })
}

fn side(s: &SideInfo) -> Value {
    json!({"label": s.label, "files": s.files, "entities": s.entities})
}

fn change(c: &Change) -> Value {
    json!({
        "kind": c.kind.id(),
        "class": c.class.as_str(),
        "review": c.review,
        "field": c.field,
        "before": c.before,
        "after": c.after,
        "detail": c.detail,
        "place": c.place.as_ref().map(place),
    })
}

pub fn to_value(diff: &Diff) -> Value {
    let c = diff.counts();
    let findings = |list: &[crate::diff::Finding]| -> Vec<Value> {
        list.iter()
            .map(|f| {
                json!({
                    "rule": f.rule,
                    "severity": f.severity.as_str(),
                    "message": f.message,
                    "place": place(&f.place),
                })
            })
            .collect()
    };
    json!({
        "version": VERSION,
        "base": side(&diff.base),
        "head": side(&diff.head),
        "summary": {
            "entities": diff.entities.len(),
            "weakened": c.weakened,
            "strengthened": c.strengthened,
            "changed": c.changed,
            "review": c.review,
            "newFindings": diff.new_findings.len(),
            "fixedFindings": diff.fixed_findings.len(),
        },
        "entities": diff.entities.iter().map(|e| json!({
            "kind": e.kind,
            "id": e.id,
            "name": e.name,
            "class": e.class().as_str(),
            "changes": e.changes.iter().map(change).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "newFindings": findings(&diff.new_findings),
        "fixedFindings": findings(&diff.fixed_findings),
        "collisions": diff.collisions.iter().map(|c| json!({
            "side": c.side.as_str(),
            "key": c.key,
            "places": c.places.iter().map(place).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "unreadable": diff.unreadable.iter().map(|u| json!({
            "side": u.side.as_str(),
            "file": u.file,
            "reason": u.reason,
            "entities": u.entities,
        })).collect::<Vec<_>>(),
    })
}

pub fn write(diff: &Diff, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_value(diff))?;
    writeln!(out)
}
