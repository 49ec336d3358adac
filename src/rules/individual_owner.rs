//! `individual-owner`: owners are people, not team mailboxes.

use std::collections::HashMap;

use super::{Context, Rule, RuleMeta, Stage, finding};
use crate::catalogue::{EntityRef, Kind};
use crate::diagnostic::{Diagnostic, Label, Severity};

pub static META: RuleMeta = RuleMeta {
    id: "individual-owner",
    default_severity: Severity::Error,
    stage: Stage::Catalogue,
    summary: "a service's `owner.serviceOwner` and a product's `productOwner` are not a Team's e-mail",
    doc: r#"## What it checks
That the accountable owner of each service (`spec.owner.serviceOwner`) and of each product
(`spec.productOwner`) is not the e-mail address of a Team in the catalogue (compared without
regard to case).

## Why it matters
Accountability belongs to one person. A team mailbox as owner means that everybody, and so
nobody, answers for the service; escalations go to a shared inbox.

## Example
```yaml
spec:
  owner:
    team: hr-systems
    serviceOwner: hr-systems@example.org   # the team's mailbox
```

Instead:

```yaml
spec:
  owner:
    team: hr-systems
    serviceOwner: jane.doe@example.org
```

## How to fix
Name the one person accountable. The team goes in `owner.team`.

No automatic fix: `catalint check --fix` leaves this to a person.
"#,
};

pub struct IndividualOwner;

impl Rule for IndividualOwner {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_catalogue(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let mailboxes = mailboxes(cx);
        if mailboxes.is_empty() {
            return;
        }
        for e in cx.catalogue.iter() {
            check_owner(e, &mailboxes, out);
        }
    }
}

/// The teams by their e-mail address (lower case), the first team of each.
pub type Mailboxes<'c> = HashMap<String, EntityRef<'c>>;

pub fn mailboxes<'c>(cx: &Context<'c>) -> Mailboxes<'c> {
    let mut mailboxes: Mailboxes<'c> = HashMap::new();
    for team in cx.catalogue.of_kind(Kind::Team) {
        if let Some(email) = team.str_at("/spec/email") {
            mailboxes.entry(email.to_lowercase()).or_insert(team);
        }
    }
    mailboxes
}

/// The incremental form: one entity's owner against the teams' mailboxes (which the caller
/// reads again when a team changed).
pub fn check_owner(e: EntityRef<'_>, mailboxes: &Mailboxes<'_>, out: &mut Vec<Diagnostic>) {
    let (ptr, role) = match e.kind() {
        Kind::Service => ("/spec/owner/serviceOwner", "service owner"),
        Kind::Product => ("/spec/productOwner", "product owner"),
        Kind::Team | Kind::Declared(_) => return,
    };
    let Some(owner) = e.str_at(ptr) else { return };
    let Some(team) = mailboxes.get(&owner.to_lowercase()) else {
        return;
    };
    out.push(
        finding(
            &META,
            format!(
                "the {role} of `{}` is the mailbox of team `{}`, not a person",
                e.id(),
                team.id()
            ),
            Label::new(e.at_value(ptr), "a team's e-mail"),
        )
        .with_pointer(ptr)
        .with_related(Label::new(
            team.at_value("/spec/email"),
            format!("team `{}`'s mailbox", team.id()),
        ))
        .with_help(format!(
            "name the one person accountable; the team belongs in `{}`",
            if e.kind() == Kind::Service {
                "owner.team"
            } else {
                "team"
            }
        )),
    );
}
