//! `single-category`: every service has exactly one category of the policy.

use crate::load::{Node, View};

use super::{Context, Rule, RuleMeta, Stage, finding};
use crate::catalogue::{EntityRef, Kind, clip};
use crate::diagnostic::{Diagnostic, Edit, Fix, Label, Severity};
use crate::suggest;

pub static META: RuleMeta = RuleMeta {
    id: "single-category",
    default_severity: Severity::Error,
    stage: Stage::Entity,
    summary: "each Service has `spec.category`: one string, one of the policy's categories",
    doc: r#"## What it checks
That every Service has `spec.category`, that it is a single string (not a list, not empty,
not a number), and that it is one of the policy's categories (by default: business,
application, infrastructure, platform, end-user, security, professional).

## Why it matters
The category is the service's boundary: it says how the service is delivered and supported,
and which service levels it must promise (`sla-defined`). A service in two categories has
two sets of promises and no clear owner of either; a service in none has no promises at all.

## Example
```yaml
spec:
  category: [business, application]
```

Instead:

```yaml
spec:
  category: business
```

## How to fix
Keep the one category that says how the service is delivered and supported. If it really is
two services (a business outcome and the application behind it), define two services and
make one depend on the other.

`catalint check --fix` rewrites a one-item flow list (`[platform]`) as the value
(`platform`), a safe fix. Two or more categories need a person's choice: no fix.
"#,
};

pub struct SingleCategory;

impl Rule for SingleCategory {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads_only_its_entity(&self) -> bool {
        true
    }

    fn check_entity(&self, cx: &Context<'_>, e: EntityRef<'_>, out: &mut Vec<Diagnostic>) {
        if e.kind() != Kind::Service || !e.get("/spec").is_some_and(Node::is_object) {
            return;
        }
        let policy = cx.policy;
        let id = e.id();
        let choose = format!(
            "keep the one category that says how the service is delivered and supported: {}",
            policy.category_list()
        );
        let ptr = "/spec/category";
        let d = match e.get(ptr).map(|v| (v, v.view())) {
            None => finding(
                &META,
                format!("service `{id}` has no category"),
                Label::new(e.at_missing("/spec"), "`category` is missing from `spec`"),
            )
            .with_help(format!(
                "add `category:` with one of {}",
                policy.category_list()
            )),
            Some((_, View::Array(items))) => {
                let label = match items.len() {
                    0 => "an empty list; a service belongs to exactly one category".to_owned(),
                    _ => "a list; a service belongs to exactly one category".to_owned(),
                };
                let message = match items.len() {
                    0 => format!("service `{id}` has an empty list of categories"),
                    1 => format!("service `{id}` writes its category as a list"),
                    2 => format!("service `{id}` has two categories"),
                    n => format!("service `{id}` has {n} categories"),
                };
                let one = items.get(0).and_then(Node::as_str);
                let help = match (items.len(), one) {
                    (1, Some(one)) => format!("write it as a single value: `category: {one}`"),
                    _ => choose,
                };
                let d = finding(&META, message, Label::new(e.at_value(ptr), label)).with_help(help);
                match (items.len(), one) {
                    (1, Some(one)) => {
                        match unwrap_list(&cx.catalogue.files.get(e.file()).text, e, ptr, one) {
                            Some(fix) => d.with_fix(fix),
                            None => d,
                        }
                    }
                    _ => d,
                }
            }
            Some((_, View::String(s))) if s.trim().is_empty() => finding(
                &META,
                format!("service `{id}` has an empty category"),
                Label::new(e.at_value(ptr), "empty"),
            )
            .with_help(choose),
            Some((_, View::Null)) => finding(
                &META,
                format!("service `{id}` has an empty category"),
                Label::new(e.at_value(ptr), "nothing is written here"),
            )
            .with_help(choose),
            Some((_, View::String(s))) => {
                if policy.category(s).is_some() {
                    return;
                }
                let help = match suggest::nearest(s, policy.category_ids()) {
                    Some(n) => format!(
                        "did you mean `{n}`? the categories are {}",
                        policy.category_list()
                    ),
                    None => format!("the policy's categories are {}", policy.category_list()),
                };
                finding(
                    &META,
                    format!("service `{id}` has unknown category `{}`", clip(s, 60)),
                    Label::new(e.at_value(ptr), "not a category of the policy"),
                )
                .with_help(help)
            }
            Some((other, _)) => finding(
                &META,
                format!("service `{id}` has a category that is not a name"),
                Label::new(
                    e.at_value(ptr),
                    format!("{}; a category is a name", crate::catalogue::show(other)),
                ),
            )
            .with_help(choose),
        };
        out.push(d.with_pointer(ptr));
    }
}

/// `[platform]` -> `platform`: the list's one item, written as it was (quotes and all), in
/// place of the flow list. Safe: a one-item list can only mean that one category. A block
/// list (`- platform` on its own line) is left to a person: its line layout is theirs.
fn unwrap_list(text: &str, e: EntityRef<'_>, ptr: &str, one: &str) -> Option<Fix> {
    let list = e.value_span(ptr);
    let item = e.value_span(&format!("{ptr}/0"));
    // Spans may carry the blanks that follow a node: the item is its text, trimmed, and
    // the list runs from its `[` to the `]` after the item.
    let item_text = text.get(item.clone())?.trim_end();
    let after_item = text.get(item.start + item_text.len()..)?;
    let close = item.start + item_text.len() + after_item.find(']')? + 1;
    let between = text.get(item.start + item_text.len()..close - 1)?;
    let opening = text.get(list.start..item.start)?;
    if !opening.starts_with('[')
        || !opening[1..].trim().is_empty()
        || !between.trim().is_empty()
        || item_text.is_empty()
        || item_text.starts_with(['*', '&', '!'])
        || e.written_at(ptr).is_some()
    {
        return None;
    }
    Some(Fix::safe(
        format!("write the one category `{one}` without the list"),
        vec![Edit::replace(list.start..close, item_text)],
    ))
}
