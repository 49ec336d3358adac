use serde_json::json;

use super::*;
use crate::load::{Limits, load};
use crate::source::FileId;

#[test]
fn embedded_schemas_compile_and_stand_alone() {
    let schemas = Schemas::new().expect("kind schemas compile");
    policy().expect("policy schema compiles");
    config().expect("config schema compiles");
    for name in SCHEMA_NAMES {
        let s = by_name(name, &schemas).unwrap();
        let text = s.to_string();
        assert!(
            !text.contains("common.schema.json#"),
            "{name} still refers to common.schema.json"
        );
        Compiled::new(s).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    Compiled::new(catalogue_schema(&schemas)).expect("the editor schema compiles");
}

fn findings(kind: Kind, yaml: &str) -> Vec<(String, String, Option<String>)> {
    let loaded = load(FileId(0), yaml, &Limits::default());
    let doc = &loaded.documents[0];
    let schemas = Schemas::new().unwrap();
    let check = SchemaCheck {
        compiled: schemas.get(kind).unwrap(),
        file: FileId(0),
        text: yaml,
        doc,
    };
    check_document(&check, &|i| owned_by_domain_rule(kind, i))
        .into_iter()
        .map(|d| (d.pointer.unwrap_or_default(), d.message, d.help))
        .collect()
}

const TEAM: &str = "apiVersion: catalogue/v1\nkind: Team\nmetadata: {id: ops, name: Ops}\nspec:\n  email: ops@example.org\n";

#[test]
fn a_valid_team_has_no_findings() {
    assert!(findings(Kind::Team, TEAM).is_empty());
}

#[test]
fn unknown_field_is_named_with_a_suggestion() {
    let f = findings(Kind::Team, &format!("{TEAM}  emial: x@example.org\n"));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].0, "/spec/emial");
    assert_eq!(f[0].1, "unknown field `emial` in `spec`");
    assert_eq!(f[0].2.as_deref(), Some("did you mean `email`?"));
}

#[test]
fn a_misspelt_required_field_is_one_finding() {
    let f = findings(Kind::Team, &TEAM.replace("email:", "emial:"));
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].1, "unknown field `emial` in `spec`");
    // A key close to no required field leaves the missing one reported.
    let f = findings(Kind::Team, &TEAM.replace("email:", "chat:"));
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].1, "`spec` is missing `email`");
}

#[test]
fn missing_field_is_reported_at_the_mapping_with_what_to_add() {
    let yaml =
        "apiVersion: catalogue/v1\nkind: Team\nmetadata: {id: ops, name: Ops}\nspec:\n  chat: x\n";
    let f = findings(Kind::Team, yaml);
    assert_eq!(f[0].0, "/spec/email");
    assert_eq!(f[0].1, "`spec` is missing `email`");
    assert!(
        f[0].2
            .as_deref()
            .unwrap()
            .starts_with("add `email`: the team's shared mailbox")
    );
}

#[test]
fn oneof_picks_the_branch_the_author_meant() {
    let yaml = "apiVersion: catalogue/v1\nkind: Service\nmetadata: {id: s, name: S}\nspec:\n  category: business\n  facing: supporting\n  lifecycle: pipeline\n  criticality: 2\n  owner: {team: ops, serviceOwner: a@example.org}\n  hours:\n    service: {days: [mon], from: \"08:00\", to: \"25:00\", timeZone: Europe/London}\n    support: 24x7\n  serviceLevels: {agreement: OLA}\n";
    let f = findings(Kind::Service, yaml);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "/spec/hours/service/to");
    let yaml = yaml.replace(
        "service: {days: [mon], from: \"08:00\", to: \"25:00\", timeZone: Europe/London}",
        "service: always",
    );
    let f = findings(Kind::Service, &yaml);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "/spec/hours/service");
    assert!(f[0].1.contains("`24x7`, or a window"), "{}", f[0].1);
}

#[test]
fn domain_owned_fields_are_not_schema_findings() {
    let yaml = "apiVersion: catalogue/v1\nkind: Service\nmetadata: {id: s, name: S}\nspec:\n  category: [a, b]\n  facing: supporting\n  lifecycle: pipeline\n  criticality: 2\n  owner: {team: ops, serviceOwner: a@example.org}\n  hours: {service: 24x7, support: 24x7}\n";
    assert!(findings(Kind::Service, yaml).is_empty());
    let product = "apiVersion: catalogue/v1\nkind: Product\nmetadata: {id: p, name: P}\nspec:\n  productType: digital\n  lifecycle: live\n  productOwner: a@example.org\n  team: ops\n";
    assert!(findings(Kind::Product, product).is_empty());
}

#[test]
fn yaml11_trap_that_breaks_the_schema_explains_both_readings() {
    let yaml = format!("{TEAM}  members: [0777]\n");
    let f = findings(Kind::Team, &yaml);
    assert_eq!(f[0].0, "/spec/members/0");
    let help = f[0].2.as_deref().unwrap();
    assert!(help.contains("YAML 1.1 tools read it as 511"), "{help}");
}

#[test]
fn display_paths_read_like_yaml() {
    assert_eq!(
        display_path("/spec/serviceLevels/incident/0/response"),
        "spec.serviceLevels.incident[0].response"
    );
    assert_eq!(display_path(""), "the document");
    assert_eq!(display_path("/metadata/links/a~1b"), "metadata.links.a/b");
    let _ = json!(null);
}
