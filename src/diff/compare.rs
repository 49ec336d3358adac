//! One entity on both sides, compared field by field into typed changes. Durations compare
//! by length (`1d` = `24h`), targets as exact decimals, hours by the hours a week they
//! cover; whatever under `spec` no comparison here knows (the organisation's own fields,
//! criticality) is a generic field change, so nothing that changed goes unsaid.

use std::collections::BTreeMap;

use serde_json::Value;

use super::ceiling::Graph;
use super::side::Side;
use super::values::{describe_priority, leaves, show, show_hours, weekly};
use super::{Change, ChangeKind, Class, Place};
use crate::catalogue::{EntityRef, Format, Kind};
use crate::rules::availability_exceeds_dependencies::written_target;
use crate::rules::duration::minutes;

/// Fields the comparisons below own; everything else under `spec` is compared generically.
const CATALINT_OWNED: &[&str] = &[
    "/spec/lifecycle",
    "/spec/serviceLevels/availability/target",
    "/spec/serviceLevels/incident",
    "/spec/serviceLevels/requests",
    "/spec/serviceLevels/recovery/rto",
    "/spec/serviceLevels/recovery/rpo",
    "/spec/serviceLevels/agreement",
    "/spec/hours",
    "/spec/category",
    "/spec/facing",
    "/spec/owner/team",
    "/spec/offerings",
    "/spec/dependencies",
    "/spec/product",
    "/spec/service",
];
const BACKSTAGE_OWNED: &[&str] = &["/spec/lifecycle", "/spec/owner", "/spec/dependsOn"];

struct Pair<'a> {
    base: &'a Side,
    head: &'a Side,
    b: EntityRef<'a>,
    h: EntityRef<'a>,
    /// HEAD's services, for who still depends on a service that is going away.
    graph: &'a Graph,
    out: Vec<Change>,
}

fn change(kind: ChangeKind, field: impl Into<String>) -> Change {
    Change {
        kind,
        class: kind.default_class(),
        review: false,
        field: field.into(),
        before: None,
        after: None,
        detail: None,
        place: None,
    }
}

impl<'a> Pair<'a> {
    fn value(e: EntityRef<'_>, pointer: &str) -> Option<Value> {
        e.get(pointer).map(|n| n.to_value())
    }

    /// Where a change at `pointer` is shown: in HEAD where HEAD has it (or the nearest field
    /// that holds it), in BASE where only BASE has it.
    fn place(&self, pointer: &str) -> Place {
        if self.h.get(pointer).is_some() || self.b.get(pointer).is_none() {
            self.head.place(&self.h.at_value(pointer))
        } else {
            self.base.place(&self.b.at_value(pointer))
        }
    }

    fn push(
        &mut self,
        mut c: Change,
        pointer: &str,
        before: Option<String>,
        after: Option<String>,
    ) {
        c.place = Some(self.place(pointer));
        c.before = before;
        c.after = after;
        self.out.push(c);
    }

    fn string(&self, e: EntityRef<'_>, pointer: &str) -> Option<String> {
        Self::value(e, pointer).map(|v| show(&v))
    }

    /// A plain field: any difference is one change of `kind`.
    fn plain(&mut self, kind: ChangeKind, pointer: &str, field: &str) {
        let (b, a) = (self.string(self.b, pointer), self.string(self.h, pointer));
        if b != a {
            self.push(change(kind, field), pointer, b, a);
        }
    }

    fn lifecycle(&mut self, format: Format) {
        let pointer = "/spec/lifecycle";
        let (b, a) = (self.string(self.b, pointer), self.string(self.h, pointer));
        if b == a {
            return;
        }
        // How far towards the end of its life: deprecated, retiring and retired are past it.
        let rank = |s: &Option<String>| match s.as_deref() {
            Some("deprecated" | "retiring") => 2,
            Some("retired") => 3,
            Some("live" | "production") => 1,
            _ => 0,
        };
        let (rb, ra) = (rank(&b), rank(&a));
        let mut c = change(ChangeKind::LifecycleChanged, "lifecycle");
        c.class = if ra >= 2 && ra > rb {
            Class::Weakened
        } else if rb >= 2 && ra < rb {
            Class::Strengthened
        } else {
            Class::Changed
        };
        if ra >= 2 && format == Format::Catalint {
            let dependants = self.dependants_in_head();
            if !dependants.is_empty() {
                c.detail = Some(format!("still depended on by {}", dependants.join(", ")));
            }
        }
        self.push(c, pointer, b, a);
    }

    fn dependants_in_head(&self) -> Vec<String> {
        self.graph
            .dependants_of(self.h.id())
            .into_iter()
            .map(|(id, hard)| format!("{id} ({})", if hard { "hard" } else { "soft" }))
            .collect()
    }

    fn availability(&mut self) {
        let pointer = "/spec/serviceLevels/availability/target";
        let b = written_target(&self.base.outcome.catalogue.files, self.b);
        let a = written_target(&self.head.outcome.catalogue.files, self.h);
        let kind = match (&b, &a) {
            (Some(b), Some(a)) if a < b => ChangeKind::AvailabilityLowered,
            (Some(b), Some(a)) if a > b => ChangeKind::AvailabilityRaised,
            (Some(_), None) => ChangeKind::AvailabilityLowered,
            (None, Some(_)) => ChangeKind::AvailabilityRaised,
            _ => return,
        };
        let pct = |d: Option<crate::rules::percent::Decimal>| d.map(|d| format!("{d}%"));
        self.push(change(kind, "availability target"), pointer, pct(b), pct(a));
    }

    /// A duration compared by length: `slower` when HEAD's is longer.
    fn duration(
        &mut self,
        pointer: &str,
        field: &str,
        before: Option<&str>,
        after: Option<&str>,
        (slower, faster): (ChangeKind, ChangeKind),
    ) {
        let (mb, ma) = (before.and_then(minutes), after.and_then(minutes));
        let kind = match (mb, ma) {
            (Some(b), Some(a)) if a > b => slower,
            (Some(b), Some(a)) if a < b => faster,
            (Some(_), Some(_)) => return,
            _ if before == after => return,
            (Some(_), None) => slower,
            (None, _) => faster,
        };
        self.push(
            change(kind, field),
            pointer,
            before.map(str::to_owned),
            after.map(str::to_owned),
        );
    }

    fn incident(&mut self) {
        let list = |e: EntityRef<'_>| -> BTreeMap<String, (Option<String>, Option<String>, usize)> {
            let mut m = BTreeMap::new();
            if let Some(Value::Array(items)) = Self::value(e, "/spec/serviceLevels/incident") {
                for (i, item) in items.iter().enumerate() {
                    let Some(p) = item.get("priority").and_then(Value::as_str) else {
                        continue;
                    };
                    let s = |k: &str| item.get(k).and_then(Value::as_str).map(str::to_owned);
                    m.entry(p.to_owned())
                        .or_insert((s("response"), s("resolution"), i));
                }
            }
            m
        };
        let (b, a) = (list(self.b), list(self.h));
        for (p, (response, resolution, i)) in &a {
            let at = format!("/spec/serviceLevels/incident/{i}");
            match b.get(p) {
                None => {
                    let mut c = change(ChangeKind::PriorityAdded, format!("{p} incident"));
                    c.after = Some(describe_priority(response, resolution));
                    c.place = Some(self.place(&at));
                    self.out.push(c);
                }
                Some((rb, sb, _)) => {
                    self.duration(
                        &format!("{at}/response"),
                        &format!("{p} response"),
                        rb.as_deref(),
                        response.as_deref(),
                        (ChangeKind::ResponseSlower, ChangeKind::ResponseFaster),
                    );
                    self.duration(
                        &format!("{at}/resolution"),
                        &format!("{p} resolution"),
                        sb.as_deref(),
                        resolution.as_deref(),
                        (ChangeKind::ResolutionSlower, ChangeKind::ResolutionFaster),
                    );
                }
            }
        }
        for (p, (response, resolution, i)) in &b {
            if !a.contains_key(p) {
                let mut c = change(ChangeKind::PriorityRemoved, format!("{p} incident"));
                c.before = Some(describe_priority(response, resolution));
                c.place = Some(self.place(&format!("/spec/serviceLevels/incident/{i}")));
                self.out.push(c);
            }
        }
    }

    fn requests(&mut self) {
        let list = |e: EntityRef<'_>| -> BTreeMap<String, (Option<String>, usize)> {
            let mut m = BTreeMap::new();
            if let Some(Value::Array(items)) = Self::value(e, "/spec/serviceLevels/requests") {
                for (i, item) in items.iter().enumerate() {
                    if let Some(o) = item.get("offering").and_then(Value::as_str) {
                        let f = item.get("fulfilment").and_then(Value::as_str);
                        m.entry(o.to_owned()).or_insert((f.map(str::to_owned), i));
                    }
                }
            }
            m
        };
        let (b, a) = (list(self.b), list(self.h));
        for (o, (f, i)) in &a {
            let at = format!("/spec/serviceLevels/requests/{i}");
            match b.get(o) {
                None => self.push(
                    change(ChangeKind::RequestAdded, format!("request \"{o}\"")),
                    &at,
                    None,
                    f.clone(),
                ),
                Some((fb, _)) => self.duration(
                    &format!("{at}/fulfilment"),
                    &format!("\"{o}\" fulfilment"),
                    fb.as_deref(),
                    f.as_deref(),
                    (ChangeKind::FulfilmentSlower, ChangeKind::FulfilmentFaster),
                ),
            }
        }
        for (o, (f, i)) in &b {
            if !a.contains_key(o) {
                self.push(
                    change(ChangeKind::RequestRemoved, format!("request \"{o}\"")),
                    &format!("/spec/serviceLevels/requests/{i}"),
                    f.clone(),
                    None,
                );
            }
        }
    }

    fn recovery(&mut self) {
        for part in ["rto", "rpo"] {
            let pointer = format!("/spec/serviceLevels/recovery/{part}");
            let (b, a) = (self.string(self.b, &pointer), self.string(self.h, &pointer));
            self.duration(
                &pointer,
                &format!("recovery {}", part.to_uppercase()),
                b.as_deref(),
                a.as_deref(),
                (ChangeKind::RecoverySlower, ChangeKind::RecoveryFaster),
            );
        }
    }

    fn hours(&mut self) {
        for part in ["service", "support"] {
            let pointer = format!("/spec/hours/{part}");
            let (b, a) = (Self::value(self.b, &pointer), Self::value(self.h, &pointer));
            if b == a {
                continue;
            }
            let kind = match (b.as_ref().and_then(weekly), a.as_ref().and_then(weekly)) {
                (Some(wb), Some(wa)) if wa < wb => ChangeKind::HoursReduced,
                (Some(wb), Some(wa)) if wa > wb => ChangeKind::HoursExtended,
                (Some(_), None) if a.is_none() => ChangeKind::HoursReduced,
                (None, Some(_)) if b.is_none() => ChangeKind::HoursExtended,
                _ => ChangeKind::HoursChanged,
            };
            self.push(
                change(kind, format!("{part} hours")),
                &pointer,
                b.as_ref().map(show_hours),
                a.as_ref().map(show_hours),
            );
        }
        let pointer = "/spec/hours/maintenance";
        let (b, a) = (Self::value(self.b, pointer), Self::value(self.h, pointer));
        if b != a {
            let list = |v: &Option<Value>| {
                v.as_ref().map(|v| match v {
                    Value::Array(items) => {
                        items.iter().map(show_hours).collect::<Vec<_>>().join("; ")
                    }
                    other => show(other),
                })
            };
            self.push(
                change(ChangeKind::HoursChanged, "maintenance windows"),
                pointer,
                list(&b),
                list(&a),
            );
        }
        // Anything else under `hours` is the generic comparison's.
    }

    /// A list of named items (offerings, dependencies): added and removed by name.
    fn named_list(
        &mut self,
        pointer: &str,
        key: &str,
        what: &str,
        (added, removed): (ChangeKind, ChangeKind),
    ) {
        let list = |e: EntityRef<'_>| -> BTreeMap<String, (Value, usize)> {
            let mut m = BTreeMap::new();
            if let Some(Value::Array(items)) = Self::value(e, pointer) {
                for (i, item) in items.into_iter().enumerate() {
                    let name = match &item {
                        Value::String(s) => Some(s.clone()),
                        other => other.get(key).and_then(Value::as_str).map(str::to_owned),
                    };
                    if let Some(name) = name {
                        m.entry(name).or_insert((item, i));
                    }
                }
            }
            m
        };
        let (b, a) = (list(self.b), list(self.h));
        let kind_of = |v: &Value| v.get("kind").and_then(Value::as_str).map(str::to_owned);
        for (name, (item, i)) in &a {
            let at = format!("{pointer}/{i}");
            match b.get(name) {
                None => {
                    let after = kind_of(item).unwrap_or_else(|| "present".to_owned());
                    self.push(
                        change(added, format!("{what} {name}")),
                        &at,
                        None,
                        Some(after),
                    );
                }
                Some((old, _))
                    if added == ChangeKind::DependencyAdded && kind_of(old) != kind_of(item) =>
                {
                    self.push(
                        change(ChangeKind::DependencyKindChanged, format!("{what} {name}")),
                        &format!("{at}/kind"),
                        kind_of(old),
                        kind_of(item),
                    );
                }
                Some(_) => {}
            }
        }
        for (name, (item, i)) in &b {
            if !a.contains_key(name) {
                let before = kind_of(item).unwrap_or_else(|| "present".to_owned());
                self.push(
                    change(removed, format!("{what} {name}")),
                    &format!("{pointer}/{i}"),
                    Some(before),
                    None,
                );
            }
        }
    }

    /// Every leaf under `spec` that no comparison above owns.
    fn generic(&mut self, owned: &[&str]) {
        let mut b = BTreeMap::new();
        let mut a = BTreeMap::new();
        if let Some(v) = Self::value(self.b, "/spec") {
            leaves("/spec", &v, owned, &mut b);
        }
        if let Some(v) = Self::value(self.h, "/spec") {
            leaves("/spec", &v, owned, &mut a);
        }
        let pointers: std::collections::BTreeSet<&String> = b.keys().chain(a.keys()).collect();
        for p in pointers {
            let (vb, va) = (b.get(p), a.get(p));
            if vb != va {
                let field = p.trim_start_matches('/').replace('/', ".");
                self.push(
                    change(ChangeKind::FieldChanged, field),
                    p,
                    vb.map(show),
                    va.map(show),
                );
            }
        }
    }
}

/// The changes to an entity both sides have.
pub(super) fn entity(base: &Side, bi: usize, head: &Side, hi: usize, graph: &Graph) -> Vec<Change> {
    let b = base.outcome.catalogue.entity(bi);
    let h = head.outcome.catalogue.entity(hi);
    let mut p = Pair {
        base,
        head,
        b,
        h,
        graph,
        out: Vec::new(),
    };
    let (bf, hf) = (base.file_of(bi), head.file_of(hi));
    if bf != hf {
        let mut c = change(ChangeKind::EntityMoved, "file");
        c.before = Some(bf.to_owned());
        c.after = Some(hf.to_owned());
        c.place = Some(head.place(&h.at_value(identity_pointer(h))));
        p.out.push(c);
    }
    let format = head.outcome.policy.kinds.format();
    if format == Format::Backstage {
        p.lifecycle(format);
        p.plain(ChangeKind::OwnerChanged, "/spec/owner", "owner");
        p.named_list(
            "/spec/dependsOn",
            "",
            "dependency",
            (ChangeKind::DependencyAdded, ChangeKind::DependencyRemoved),
        );
        p.generic(BACKSTAGE_OWNED);
        return p.out;
    }
    // Only the fields a kind has are compared by kind; a policy's own kinds have their
    // fields compared generically.
    match h.kind() {
        Kind::Service => {
            p.lifecycle(format);
            p.availability();
            p.incident();
            p.requests();
            p.recovery();
            p.hours();
            p.plain(
                ChangeKind::AgreementChanged,
                "/spec/serviceLevels/agreement",
                "agreement",
            );
            p.plain(ChangeKind::CategoryChanged, "/spec/category", "category");
            p.plain(ChangeKind::FacingChanged, "/spec/facing", "facing");
            p.plain(ChangeKind::OwnerChanged, "/spec/owner/team", "owner team");
            p.named_list(
                "/spec/offerings",
                "name",
                "offering",
                (ChangeKind::OfferingAdded, ChangeKind::OfferingRemoved),
            );
            p.named_list(
                "/spec/dependencies",
                "service",
                "dependency",
                (ChangeKind::DependencyAdded, ChangeKind::DependencyRemoved),
            );
            p.plain(ChangeKind::ProductLinkChanged, "/spec/product", "product");
            p.generic(CATALINT_OWNED);
        }
        Kind::Product => {
            p.lifecycle(format);
            p.plain(
                ChangeKind::ProductLinkChanged,
                "/spec/service",
                "delivered through service",
            );
            p.generic(&["/spec/lifecycle", "/spec/service"]);
        }
        _ => p.generic(&[]),
    }
    p.out
}

fn identity_pointer(e: EntityRef<'_>) -> &'static str {
    if e.get("/metadata/id").is_some() {
        "/metadata/id"
    } else if e.get("/metadata/name").is_some() {
        "/metadata/name"
    } else {
        "/kind"
    }
}

fn whole(kind: ChangeKind, side: &Side, index: usize) -> Change {
    let e = side.outcome.catalogue.entity(index);
    let mut c = change(kind, "entity");
    c.place = Some(side.place(&e.at_value(identity_pointer(e))));
    c
}

pub(super) fn added(head: &Side, index: usize) -> Change {
    let mut c = whole(ChangeKind::EntityAdded, head, index);
    c.after = Some(head.file_of(index).to_owned());
    c
}

pub(super) fn removed(base: &Side, index: usize, graph: &Graph) -> Change {
    let mut c = whole(ChangeKind::EntityRemoved, base, index);
    c.before = Some(base.file_of(index).to_owned());
    let e = base.outcome.catalogue.entity(index);
    if e.kind() == Kind::Service {
        let names: Vec<String> = graph
            .dependants_of(e.id())
            .into_iter()
            .map(|(id, hard)| format!("{id} ({})", if hard { "hard" } else { "soft" }))
            .collect();
        if !names.is_empty() {
            c.detail = Some(format!("still depended on by {}", names.join(", ")));
        }
    }
    c
}
