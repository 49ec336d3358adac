use std::collections::BTreeSet;

use super::*;
use crate::engine::{ReadLimits, check_texts};
use crate::policy::Policy;
use crate::schema::Schemas;

const TEAM: &str = "apiVersion: catalogue/v1\nkind: Team\nmetadata:\n  id: ops\n  name: Ops\nspec:\n  email: ops@example.org\n";

/// A clean service but for its `spec`'s first lines, `head` (indented by two; `owner` is
/// among them).
fn service(head: &str) -> String {
    format!(
        "apiVersion: catalogue/v1\nkind: Service\nmetadata:\n  id: svc\n  name: Svc\nspec:\n{head}  category: platform\n  facing: supporting\n  lifecycle: live\n  criticality: 2\n  supportGroup: ops\n  hours: {{service: 24x7, support: 24x7}}\n  serviceLevels:\n    agreement: OLA\n    availability: {{target: 99.9, measuredDuring: 24x7}}\n    incident:\n      - {{priority: P1, response: 15m, resolution: 4h}}\n      - {{priority: P2, response: 30m, resolution: 8h}}\n      - {{priority: P3, response: 4h, resolution: 3d}}\n      - {{priority: P4, response: 1d, resolution: 2w}}\n    recovery: {{rto: 4h, rpo: 15m}}\n"
    )
}

/// An owner that is a person: no finding.
const OWNER: &str = "  owner: {team: ops, serviceOwner: alex.kim@example.org}\n";

/// The plan for `svc.yaml` (with the team file), and the rules still reported after it.
fn planned(text: &str) -> (Plan, String, Vec<String>) {
    let schemas = Schemas::new().unwrap();
    let policy = Policy::builtin().unwrap();
    let inputs = [("teams.yaml", TEAM), ("svc.yaml", text)];
    let (catalogue, found) = check_texts(&inputs, &schemas, &policy);
    let run = Run {
        policy: &policy,
        limits: ReadLimits::default(),
    };
    let plan = super::plan(&catalogue.files, &found, &run, None).unwrap();
    let after = plan
        .changes
        .iter()
        .find(|c| c.path == "svc.yaml")
        .map_or_else(|| text.to_owned(), |c| c.after.clone());
    let (_, remaining) = check_texts(
        &[("teams.yaml", TEAM), ("svc.yaml", &after)],
        &schemas,
        &policy,
    );
    let rules = remaining.iter().map(|d| d.rule.to_string()).collect();
    (plan, after, rules)
}

#[test]
fn a_comment_above_each_line_indented_as_it_is() {
    let text = service("  owner:\n    team: ops\n    serviceOwner: ops@example.org\n  extra: 1\n");
    let (plan, after, remaining) = planned(&text);
    assert!(remaining.is_empty(), "{remaining:?}\n{after}");
    assert!(
        after.contains("    # catalint-disable-next-line individual-owner -- TODO\n    serviceOwner: ops@example.org\n"),
        "{after}"
    );
    assert!(
        after.contains("  # catalint-disable-next-line schema -- TODO\n  extra: 1\n"),
        "{after}"
    );
    assert_eq!((plan.comments(), plan.suppressed()), (2, 2));
    assert!(plan.left.is_empty(), "{:?}", plan.left);
    // Nothing else changed: removing the comment lines gives the text back.
    let without: String = after
        .split_inclusive('\n')
        .filter(|l| !l.contains("-- TODO"))
        .collect();
    assert_eq!(without, text);
}

#[test]
fn one_comment_names_every_rule_of_its_line() {
    let text = service("  owner: {team: ops, serviceOwner: ops@example.org, extra: 1}\n");
    let (plan, after, remaining) = planned(&text);
    assert!(remaining.is_empty(), "{remaining:?}\n{after}");
    assert!(
        after.contains(
            "  # catalint-disable-next-line individual-owner, schema -- TODO\n  owner: {"
        ),
        "{after}"
    );
    assert_eq!(plan.comments(), 1);
}

#[test]
fn crlf_and_a_byte_order_mark_are_kept() {
    let text = format!(
        "\u{feff}{}",
        service("  owner: {team: ops, serviceOwner: ops@example.org}\n").replace('\n', "\r\n")
    )
    .replacen(
        "apiVersion: catalogue/v1",
        "apiVersion: catalogue/v1\r\nbogus: 1",
        1,
    );
    let (_, after, remaining) = planned(&text);
    assert!(remaining.is_empty(), "{remaining:?}\n{after}");
    assert!(after.starts_with("\u{feff}apiVersion: catalogue/v1\r\n# catalint-disable-next-line schema -- TODO\r\nbogus: 1\r\n"), "{after:?}");
    assert!(!after.replace("\r\n", "").contains('\n'), "{after:?}");
    // A finding on the first line: after the byte order mark.
    let text = format!(
        "\u{feff}{}",
        service(OWNER).replacen("apiVersion", "apiversion", 1)
    );
    let (plan, after, remaining) = planned(&text);
    assert!(
        after.starts_with("\u{feff}# catalint-disable-next-line"),
        "{after:?} {:?} {remaining:?}",
        plan.left
    );
}

#[test]
fn an_existing_comment_above_gets_the_rules() {
    for (comment, extended) in [
        (
            "  # catalint-disable-next-line sla-defined -- agreed with the owner  \n",
            "  # catalint-disable-next-line sla-defined, individual-owner -- agreed with the owner; individual-owner: TODO  \n",
        ),
        (
            "  # catalint-disable-next-line sla-defined\n",
            "  # catalint-disable-next-line sla-defined, individual-owner -- TODO\n",
        ),
    ] {
        let text = service(&format!(
            "{comment}  owner: {{team: ops, serviceOwner: ops@example.org}}\n"
        ));
        let (plan, after, remaining) = planned(&text);
        assert_eq!(plan.comments(), 1);
        assert!(after.contains(extended), "{after}");
        // `sla-defined` now suppresses nothing: the comment's own business, not ours.
        assert_eq!(remaining, ["unused-suppression"], "{after}");
    }
}

#[test]
fn findings_that_cannot_take_a_comment_are_left_and_said_so() {
    // Inside a flow mapping written over two lines.
    let text = service("  owner: {team: ops,\n    serviceOwner: ops@example.org}\n");
    let (plan, after, remaining) = planned(&text);
    assert_eq!(after, text);
    assert_eq!(remaining, ["individual-owner"]);
    assert_eq!(plan.left.len(), 1);
    assert!(
        plan.left[0]
            .reason
            .contains("inside a flow collection written over lines 7-8"),
        "{:?}",
        plan.left
    );
    // A file that does not parse.
    let text = service("  owner: {team: ops, serviceOwner: ops@example.org}\n  bad: [\n");
    let (plan, after, _) = planned(&text);
    assert_eq!(after, text);
    assert!(
        plan.left
            .iter()
            .all(|l| l.reason.contains("does not parse")),
        "{:?}",
        plan.left
    );
    assert!(!plan.left.is_empty());
    // Findings about suppression comments.
    let text = service(&format!(
        "  # catalint-disable-next-line sla-defined\n{OWNER}"
    ));
    let (plan, after, _) = planned(&text);
    assert_eq!(after, text);
    assert!(
        plan.left[0].reason.contains("cannot be suppressed"),
        "{:?}",
        plan.left
    );
}

#[test]
fn lines_inside_strings_take_no_comment() {
    let text = "a: |\n  text\n  more\nb: \"one\n  two\"\nc: plain\n  continued\nd: [x,\n  y]\ne: >-\n\n  folded\nf: 1\n";
    let source = SourceFile::new("t.yaml", text);
    let layout = Layout::of(&source);
    let rules: BTreeSet<&str> = ["schema"].into();
    let ok = |line: usize| layout.comment_for(&source, line, &rules).is_ok();
    // Lines 0 (`a: |`), 3 (`b:`), 5 (`c:`), 7 (`d:`), 9 (`e:`) and 12 (`f:`) start nodes.
    assert_eq!(
        (0..13).filter(|&l| ok(l)).collect::<Vec<_>>(),
        [0, 3, 5, 7, 9, 12]
    );
    let reason = layout.comment_for(&source, 1, &rules).unwrap_err();
    assert!(
        reason.contains("inside a block string written over lines 1-3"),
        "{reason}"
    );
    let reason = layout.comment_for(&source, 11, &rules).unwrap_err();
    assert!(
        reason.contains("block string written over lines 10-12"),
        "{reason}"
    );
}
