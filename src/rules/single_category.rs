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

`catalint check --fix` rewrites a one-item list, flow (`[platform]`) or block (`- platform`
on the line below `category:`), as the value (`category: platform`), a safe fix. Two or more
categories need a person's choice: no fix.
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

/// `[platform]`, or a block list of one `- platform`, -> `platform`: the list's one item,
/// written as it was (quotes and all), in place of the list. Safe: a one-item list can
/// only mean that one category. Anything else in the way (a comment between the key and
/// the list, an anchor or a tag, an item over several lines) is left to a person.
fn unwrap_list(text: &str, e: EntityRef<'_>, ptr: &str, one: &str) -> Option<Fix> {
    if e.written_at(ptr).is_some() {
        return None; // through an alias: the anchor's list may be used elsewhere too
    }
    let list = e.value_span(ptr);
    let item = e.value_span(&format!("{ptr}/0"));
    // Spans may carry the blanks that follow a node: the item is its text, trimmed.
    let item_text = text.get(item.clone())?.trim_end();
    if item_text.is_empty()
        || item_text.starts_with(['*', '&', '!', '|', '>', '[', '{'])
        || item_text.contains(['\n', '\r'])
    {
        return None;
    }
    let item_end = item.start + item_text.len();
    let opening = text.get(list.start..item.start)?;
    let edit = if let Some(inside) = opening.strip_prefix('[') {
        // `[ platform ]`: from the `[` to the `]` after the item.
        let close = item_end + text.get(item_end..)?.find(']')? + 1;
        let between = text.get(item_end..close - 1)?;
        if !inside.trim().is_empty() || !between.trim().is_empty() {
            return None;
        }
        Edit::replace(list.start..close, item_text)
    } else if let Some(dash) = text
        .get(..item.start)?
        .trim_end_matches([' ', '\t'])
        .strip_suffix('-')
        .map(str::len)
        .filter(|&dash| dash < item.start && (list.start == dash || list.start == item.start))
    {
        // `category:` then `- platform` on a line of its own (the list starts at the dash,
        // or at the item when the dash is as indented as the key): from just after the
        // colon to the end of the item, so that a comment after the item stays on its line.
        let key = e.key_span(ptr);
        let gap = text.get(key.end..dash)?;
        let after_colon = gap.trim_start_matches([' ', '\t']).strip_prefix(':')?;
        let colon_end = dash - after_colon.len();
        let blank = |s: &str| s.chars().all(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
        if !blank(after_colon)
            || !after_colon.contains(['\n', '\r'])
            || dash + 1 == item.start
            || !blank(text.get(item_end..list.end.max(item_end))?)
        {
            return None;
        }
        Edit::replace(colon_end..item_end, format!(" {item_text}"))
    } else {
        return None;
    };
    Some(Fix::safe(
        format!("write the one category `{one}` without the list"),
        vec![edit],
    ))
}

#[cfg(test)]
mod tests {
    use crate::engine::check_texts;
    use crate::policy::Policy;
    use crate::schema::Schemas;

    /// The text after the `single-category` fix of a service whose `spec` starts with
    /// `category` written as given, or `None` when the finding has no fix.
    fn fixed(category: &str) -> Option<String> {
        let text = format!(
            "apiVersion: catalogue/v1\nkind: Service\nmetadata: {{id: s, name: S}}\nspec:\n{category}\n  facing: supporting\n"
        );
        let (_, found) = check_texts(
            &[("s.yaml", &text)],
            &Schemas::new().unwrap(),
            &Policy::builtin().unwrap(),
        );
        let d = found.iter().find(|d| d.rule == "single-category")?;
        let fix = d.fix.as_deref()?;
        Some(crate::edit::apply(&text, [fix])[text.find("spec:\n")? + 6..].to_owned())
    }

    #[test]
    fn a_block_list_of_one_becomes_its_item() {
        let after = "  category: platform\n  facing: supporting\n";
        assert_eq!(fixed("  category:\n    - platform").as_deref(), Some(after));
        assert_eq!(fixed("  category:\n  - platform").as_deref(), Some(after));
        assert_eq!(
            fixed("  category:\r\n    - 'platform'  # kept").as_deref(),
            Some("  category: 'platform'  # kept\n  facing: supporting\n")
        );
        assert_eq!(
            fixed("  category:   \n\n    -   platform").as_deref(),
            Some(after)
        );
    }

    #[test]
    fn a_block_list_with_anything_in_the_way_is_left_to_a_person() {
        for category in [
            "  category: # the main one\n    - platform",
            "  category:\n    # the main one\n    - platform",
            "  category: &c\n    - platform",
            "  category: !!seq\n    - platform",
            "  category:\n    -\n      platform",
            "  category:\n    - platform\n    - business",
            "  category:\n    - \"plat\n      form\"",
        ] {
            assert_eq!(fixed(category), None, "{category:?}");
        }
    }
}
