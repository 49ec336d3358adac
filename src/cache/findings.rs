//! Findings in the cache's binary form, over the primitives of `crate::codec`. File ids are
//! written as they are in the run that wrote them (positions in the snapshot's file list);
//! the reader maps them to the new run's ids, and a finding that names a file the new run
//! does not have fails to read.

use std::borrow::Cow;

use crate::catalogue::Kind;
use crate::codec::{Reader, Writer};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Label, Severity, ids};
use crate::source::{FileId, Location};

pub(crate) fn diagnostics(w: &mut Writer, ds: &[Diagnostic]) {
    w.usize(ds.len());
    for d in ds {
        diagnostic(w, d);
    }
}

pub(super) fn diagnostic(w: &mut Writer, d: &Diagnostic) {
    w.str(&d.rule);
    w.u8(match d.severity {
        Severity::Warning => 0,
        Severity::Error => 1,
    });
    w.str(&d.message);
    label(w, &d.primary);
    w.opt_str(d.pointer.as_deref());
    w.usize(d.related.len());
    for l in &d.related {
        label(w, l);
    }
    w.opt_str(d.help.as_deref());
    w.bool(d.fix.is_some());
    if let Some(fix) = &d.fix {
        w.usize(fix.edits.len());
        for e in &fix.edits {
            w.usize(e.range.start);
            w.usize(e.range.end);
            w.str(&e.text);
        }
        w.str(&fix.description);
        w.bool(fix.applicability == Applicability::Unsafe);
    }
}

fn label(w: &mut Writer, l: &Label) {
    w.var(u64::from(l.location.file.0));
    w.usize(l.location.span.start);
    w.usize(l.location.span.end);
    w.str(&l.message);
}

/// Reads findings back; `file` maps a written file id to this run's (`None`: no such file).
pub(crate) fn read_diagnostics(
    r: &mut Reader<'_>,
    file: &dyn Fn(u32) -> Option<FileId>,
) -> Option<Vec<Diagnostic>> {
    let n = r.count(8)?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(read_diagnostic(r, file)?);
    }
    Some(out)
}

pub(super) fn read_diagnostic(
    r: &mut Reader<'_>,
    file: &dyn Fn(u32) -> Option<FileId>,
) -> Option<Diagnostic> {
    let rule = r.str()?;
    // Built-in ids are static in a fresh run: the same here, so nothing differs but memory.
    let rule: Cow<'static, str> = match ids::BUILTIN_RULES.iter().find(|id| **id == rule) {
        Some(id) => Cow::Borrowed(id),
        None => Cow::Owned(rule.to_owned()),
    };
    let severity = match r.u8()? {
        0 => Severity::Warning,
        1 => Severity::Error,
        _ => return None,
    };
    let message = r.str()?.to_owned();
    let primary = read_label(r, file)?;
    let pointer = r.opt_str()?.map(str::to_owned);
    let n = r.count(4)?;
    let mut related = Vec::with_capacity(n);
    for _ in 0..n {
        related.push(read_label(r, file)?);
    }
    let help = r.opt_str()?.map(str::to_owned);
    let fix = match r.bool()? {
        false => None,
        true => {
            let n = r.count(3)?;
            let mut edits = Vec::with_capacity(n);
            for _ in 0..n {
                let range = r.usize()?..r.usize()?;
                edits.push(Edit::replace(range, r.str()?));
            }
            let description = r.str()?.to_owned();
            let applicability = match r.bool()? {
                false => Applicability::Safe,
                true => Applicability::Unsafe,
            };
            Some(Box::new(Fix {
                edits,
                description,
                applicability,
            }))
        }
    };
    Some(Diagnostic {
        rule,
        severity,
        message,
        primary,
        pointer,
        related,
        help,
        fix,
    })
}

fn read_label(r: &mut Reader<'_>, file: &dyn Fn(u32) -> Option<FileId>) -> Option<Label> {
    let id = file(u32::try_from(r.var()?).ok()?)?;
    let span = r.usize()?..r.usize()?;
    let message = r.str()?.to_owned();
    Some(Label::new(Location::new(id, span), message))
}

pub(crate) fn kind(w: &mut Writer, k: Kind) {
    w.str(k.as_str());
}

pub(crate) fn read_kind(r: &mut Reader<'_>) -> Option<Kind> {
    let name = r.str()?;
    // The policy is part of the cache's key: a declared kind read here is the policy's.
    Some(Kind::parse(name).unwrap_or_else(|| Kind::declared(name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_read_back_equal() {
        let d = Diagnostic::new(
            "unique-id",
            Severity::Error,
            "two",
            Label::new(Location::new(FileId(3), 4..9), "here"),
        )
        .with_help("rename one");
        let mut d2 = Diagnostic::new(
            "my-custom",
            Severity::Warning,
            "m",
            Label::new(Location::new(FileId(0), 0..0), ""),
        );
        d2.pointer = Some("/spec/x".into());
        d2.related
            .push(Label::new(Location::new(FileId(1), 2..3), "other"));
        d2.fix = Some(Box::new(Fix::unsafe_("do", vec![Edit::replace(1..2, "z")])));
        let mut w = Writer::default();
        diagnostics(&mut w, &[d.clone(), d2.clone()]);
        let back = read_diagnostics(&mut Reader::new(&w.buf), &|i| Some(FileId(i))).unwrap();
        assert_eq!(back, vec![d.clone(), d2]);
        // A finding naming a file the run does not have does not read.
        let gone = read_diagnostics(&mut Reader::new(&w.buf), &|i| (i != 1).then_some(FileId(i)));
        assert!(gone.is_none());
    }
}
