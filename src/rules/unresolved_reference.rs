//! `unresolved-reference`: references to teams, services and offerings resolve.

use std::collections::{HashMap, HashSet};

use crate::load::Node;

use super::{Context, Rule, RuleMeta, Stage, Target, finding};
use crate::catalogue::{EntityRef, Kind, clip};
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::suggest;

pub static META: RuleMeta = RuleMeta {
    id: "unresolved-reference",
    default_severity: Severity::Error,
    stage: Stage::Entity,
    summary: "owner and support teams, dependencies and request offerings resolve to the right kind",
    doc: r#"## What it checks
That every reference (other than a product's service, which `product-is-service` owns)
names an entity of the right kind:
- a Service's `owner.team` and `supportGroup`, and a Product's `team`, name a **Team**;
- each `dependencies[].service` names a **Service**;
- each `serviceLevels.requests[].offering` names an offering in the same service's
  `offerings`.
- each reference the policy declares (`spec.references`, and the `references` of its own
  kinds: a JSON pointer, `*` for every item of a list) names an entity of one of the kinds it
  allows; `catalint explain unresolved-reference --policy P` lists them.

## Why it matters
A reference that resolves to nothing is a promise nobody keeps: incidents routed to a team
that does not exist, a dependency that cannot be checked for cycles or availability.

## Example
```yaml
spec:
  owner: {team: hr-sytems, serviceOwner: jane.doe@example.org}
```

Instead:

```yaml
spec:
  owner: {team: hr-systems, serviceOwner: jane.doe@example.org}
```

## How to fix
Correct the id (the help suggests the nearest existing one), or define the missing entity.

`catalint check --unsafe-fixes` replaces the id with the one existing id of the right kind
close to it, when exactly one is (unsafe: review it). With two close ids, or none, a person
chooses: no fix.
"#,
};

pub struct UnresolvedReference;

impl Rule for UnresolvedReference {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_entity(&self, cx: &Context<'_>, e: EntityRef<'_>, out: &mut Vec<Diagnostic>) {
        if cx.policy.kinds.format() == crate::catalogue::Format::Backstage {
            super::backstage::relations::check(cx, e, out);
        }
        match e.kind() {
            Kind::Service => {
                reference(cx, e, "/spec/owner/team", &[Kind::Team], "owning team", out);
                reference(
                    cx,
                    e,
                    "/spec/supportGroup",
                    &[Kind::Team],
                    "support group",
                    out,
                );
                if let Some(deps) = e.get("/spec/dependencies").and_then(Node::as_array) {
                    for i in 0..deps.len() {
                        let ptr = format!("/spec/dependencies/{i}/service");
                        reference(cx, e, &ptr, &[Kind::Service], "dependency", out);
                    }
                }
                offerings(cx, e, out);
            }
            Kind::Product => reference(cx, e, "/spec/team", &[Kind::Team], "team", out),
            Kind::Team | Kind::Declared(_) => {}
        }
        // The references the policy declares, from built-in kinds and its own alike.
        for r in cx.policy.references_of(e.kind()) {
            for (ptr, _) in r.targets(e.value()) {
                reference(cx, e, &ptr, &r.kinds, &r.role, out);
            }
        }
    }
}

/// "a Team", or "a Supplier or a Contract".
fn articles(kinds: &[Kind]) -> String {
    let words: Vec<&str> = kinds.iter().map(|k| k.article()).collect();
    crate::catalogue::join_words(&words, "or", str::to_owned)
}

/// "Team", or "Supplier or Contract".
fn names(kinds: &[Kind]) -> String {
    let words: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    crate::catalogue::join_words(&words, "or", str::to_owned)
}

fn reference(
    cx: &Context<'_>,
    e: EntityRef<'_>,
    ptr: &str,
    want: &[Kind],
    role: &str,
    out: &mut Vec<Diagnostic>,
) {
    if cx.broke_schema(e, ptr) {
        return;
    }
    let Some(target_id) = e.str_at(ptr) else {
        return;
    };
    let id = e.id();
    let wanted = articles(want);
    match cx.resolve_any(target_id, want) {
        Target::Found(_) => {}
        Target::WrongKind(t) => {
            let what = t.kind().article();
            out.push(
                finding(
                    &META,
                    format!("the {role} of `{id}` is `{target_id}`, which is {what}, not {wanted}"),
                    Label::new(e.at_value(ptr), format!("{what}, not {wanted}")),
                )
                .with_pointer(ptr)
                .with_related(Label::new(
                    t.at_value("/kind"),
                    format!("`{target_id}` is defined as {what} here"),
                ))
                .with_help(format!("name {wanted} here")),
            );
        }
        Target::Missing => {
            let near = want.iter().find_map(|k| cx.nearest_id(target_id, *k));
            let help = match near {
                Some(n) => format!("did you mean `{n}`? otherwise define {wanted} `{target_id}`"),
                None => format!("define {wanted} `{target_id}`, or name an existing one"),
            };
            // A fix writes the one close id; with several kinds wanted, a person chooses.
            let fix = match want {
                [kind] => cx.reference_fix(e, ptr, target_id, *kind),
                _ => None,
            };
            out.push(
                finding(
                    &META,
                    format!(
                        "the {role} of `{id}` is `{}`, which is not in the catalogue",
                        clip(target_id, 60)
                    ),
                    Label::new(e.at_value(ptr), format!("no {} has this id", names(want))),
                )
                .with_pointer(ptr)
                .with_help(help)
                .with_fix_opt(fix),
            );
        }
    }
}

fn offerings(cx: &Context<'_>, e: EntityRef<'_>, out: &mut Vec<Diagnostic>) {
    let Some(requests) = e
        .get("/spec/serviceLevels/requests")
        .and_then(Node::as_array)
    else {
        return;
    };
    // In document order: of equally close names, the first written is suggested.
    let listed: Vec<&str> = match e.get("/spec/offerings").and_then(Node::as_array) {
        Some(o) => o.filter_map(|x| x.get("name")?.as_str()).collect(),
        None => Vec::new(),
    };
    let names: HashSet<&str> = listed.iter().copied().collect();
    let index = std::cell::OnceCell::new();
    let mut suggested: HashMap<&str, Option<&str>> = HashMap::new();
    for (i, r) in requests.iter().enumerate() {
        let Some(offering) = r.get("offering").and_then(Node::as_str) else {
            continue;
        };
        if names.contains(offering) {
            continue;
        }
        let ptr = format!("/spec/serviceLevels/requests/{i}/offering");
        if cx.broke_schema(e, &ptr) {
            continue;
        }
        let near = *suggested.entry(offering).or_insert_with(|| {
            index
                .get_or_init(|| suggest::Index::new(listed.clone()))
                .nearest(offering)
        });
        let help = match near {
            Some(n) => format!("did you mean `{n}`?"),
            None if names.is_empty() => format!(
                "the service lists no offerings: add `offerings: [{{name: {offering}}}]` under `spec`"
            ),
            None => format!("add `{{name: {offering}}}` to the service's `offerings`"),
        };
        out.push(
            finding(
                &META,
                format!("service `{}` promises a fulfilment time for `{}`, which is not one of its offerings", e.id(), clip(offering, 60)),
                Label::new(e.at_value(&ptr), "not an offering of this service"),
            )
            .with_pointer(ptr)
            .with_help(help),
        );
    }
}
