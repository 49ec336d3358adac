//! `single-category`: every service has exactly one category of the policy.

use crate::load::{Node, View};

use super::{Context, Rule, RuleMeta, Stage, finding};
use crate::catalogue::{EntityRef, Kind, clip};
use crate::diagnostic::{Diagnostic, Label, Severity};
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
"#,
};

pub struct SingleCategory;

impl Rule for SingleCategory {
    fn meta(&self) -> &'static RuleMeta {
        &META
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
                let help = match (items.len(), items.get(0).and_then(Node::as_str)) {
                    (1, Some(one)) => format!("write it as a single value: `category: {one}`"),
                    _ => choose,
                };
                finding(&META, message, Label::new(e.at_value(ptr), label)).with_help(help)
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
