//! The catalogue's findings in the snapshot: the index's (documents that are no entity of a
//! known kind), then the catalogue-wide rules' kept apart as [`Parts`], so that a check with
//! files changed since starts from them and redoes only what the change reaches (see
//! [`crate::rules::wide`]).
//!
//! ```text
//! wide:    indexed [finding]  repeats [id [finding]]  offerings [finding]  owners [finding]
//!          availability [finding]  cycles [members [str] finding]  whole [finding]
//! ```

use super::findings::{diagnostics, read_diagnostic, read_diagnostics};
use crate::codec::{Reader, Writer};
use crate::diagnostic::Diagnostic;
use crate::rules::wide::Parts;
use crate::source::FileId;

pub(super) fn write(w: &mut Writer, indexed: &[Diagnostic], parts: &Parts) {
    diagnostics(w, indexed);
    w.usize(parts.repeats.len());
    for (id, findings) in &parts.repeats {
        w.str(id);
        diagnostics(w, findings);
    }
    diagnostics(w, &parts.offerings);
    diagnostics(w, &parts.owners);
    diagnostics(w, &parts.availability);
    w.usize(parts.cycles.len());
    for (members, finding) in &parts.cycles {
        w.usize(members.len());
        for m in members {
            w.str(m);
        }
        super::findings::diagnostic(w, finding);
    }
    diagnostics(w, &parts.whole);
}

/// Reads the section back; `file` maps a written file id to this run's, and a finding that
/// names a file it does not map fails the read (see [`read_kept`] for a run whose files
/// changed).
pub(super) fn read(
    r: &mut Reader<'_>,
    file: &dyn Fn(u32) -> Option<FileId>,
) -> Option<(Vec<Diagnostic>, Parts)> {
    let indexed = read_diagnostics(r, file)?;
    let n = r.count(2)?;
    let mut repeats = Vec::with_capacity(n);
    for _ in 0..n {
        let id: Box<str> = r.str()?.into();
        repeats.push((id, read_diagnostics(r, file)?));
    }
    let offerings = read_diagnostics(r, file)?;
    let owners = read_diagnostics(r, file)?;
    let availability = read_diagnostics(r, file)?;
    let n = r.count(2)?;
    let mut cycles = Vec::with_capacity(n);
    for _ in 0..n {
        let m = r.count(1)?;
        let mut members = Vec::with_capacity(m);
        for _ in 0..m {
            members.push(r.str()?.into());
        }
        cycles.push((members, read_diagnostic(r, file)?));
    }
    let whole = read_diagnostics(r, file)?;
    let parts = Parts {
        repeats,
        offerings,
        owners,
        availability,
        cycles,
        whole,
    };
    Some((indexed, parts))
}

/// The catalogue-wide rules' findings for a run whose files are not all the snapshot's:
/// a finding with a place in a file gone since is left out. The change's reach redoes it
/// anyway: the ids the gone file held are among the ids it touched, and the files that name
/// them are reached (a repeat is redone by its id, a cycle by its members, a finding about
/// a service by the service's file).
pub(super) fn read_kept(r: &mut Reader<'_>, file: &dyn Fn(u32) -> Option<FileId>) -> Option<Parts> {
    const GONE: FileId = FileId(u32::MAX);
    let (_, mut parts) = read(r, &|i| Some(file(i).unwrap_or(GONE)))?;
    let kept = |d: &Diagnostic| {
        d.primary.location.file != GONE && d.related.iter().all(|l| l.location.file != GONE)
    };
    for (_, findings) in &mut parts.repeats {
        findings.retain(kept);
    }
    parts.repeats.retain(|(_, findings)| !findings.is_empty());
    parts.offerings.retain(kept);
    parts.owners.retain(kept);
    parts.availability.retain(kept);
    parts.cycles.retain(|(_, d)| kept(d));
    parts.whole.clear();
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Label, Severity};
    use crate::source::Location;

    fn finding(rule: &'static str, file: u32, related: Option<u32>) -> Diagnostic {
        let mut d = Diagnostic::new(
            rule,
            Severity::Error,
            "m",
            Label::new(Location::new(FileId(file), 1..2), "here"),
        );
        if let Some(f) = related {
            d.related
                .push(Label::new(Location::new(FileId(f), 3..4), "there"));
        }
        d
    }

    fn sample() -> (Vec<Diagnostic>, Parts) {
        let parts = Parts {
            repeats: vec![(
                "a".into(),
                vec![
                    finding("unique-id", 0, Some(2)),
                    finding("unique-id", 2, None),
                ],
            )],
            offerings: vec![finding("unique-id", 1, None)],
            owners: vec![finding("individual-owner", 1, Some(0))],
            availability: vec![finding("availability-exceeds-dependencies", 0, Some(2))],
            cycles: vec![(
                vec!["a".into(), "b".into()],
                finding("dependency-cycle", 1, None),
            )],
            whole: vec![finding("my-unique", 0, None)],
        };
        (vec![finding("unknown-kind", 3, None)], parts)
    }

    #[test]
    fn the_section_reads_back_equal() {
        let (indexed, parts) = sample();
        let mut w = Writer::default();
        write(&mut w, &indexed, &parts);
        let back = read(&mut Reader::new(&w.buf), &|i| Some(FileId(i)));
        assert_eq!(back, Some((indexed, parts)));
    }

    #[test]
    fn findings_with_a_place_in_a_gone_file_are_left_out() {
        let (indexed, parts) = sample();
        let mut w = Writer::default();
        write(&mut w, &indexed, &parts);
        // File 2 is gone, file 1 is this run's file 0, file 0 is this run's file 1.
        let map = |i: u32| match i {
            0 => Some(FileId(1)),
            1 => Some(FileId(0)),
            3 => Some(FileId(2)),
            _ => None,
        };
        assert!(read(&mut Reader::new(&w.buf), &map).is_none());
        let kept = read_kept(&mut Reader::new(&w.buf), &map).unwrap_or_default();
        assert_eq!(kept.repeats, Vec::new(), "both repeats named file 2");
        assert_eq!(kept.offerings, vec![finding("unique-id", 0, None)]);
        assert_eq!(kept.owners, vec![finding("individual-owner", 0, Some(1))]);
        assert_eq!(kept.availability, Vec::new());
        assert_eq!(kept.cycles.len(), 1);
        assert_eq!(kept.whole, Vec::new(), "run whole on every check");
    }
}
