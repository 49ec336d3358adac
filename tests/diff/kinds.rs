//! One test per change kind and class, on the example catalogue, the organisation's own
//! fields, and a Backstage catalogue: the change is made in the working tree (after an
//! optional commit that sets BASE up) and `catalint diff HEAD` must class it.

use super::repo::{Repo, change, fixture};

const S: &str = "catalogue/services/";

/// `case!(name, |r| { base edits } , |r| { head edits }, id, kind, class)`.
macro_rules! case {
    ($name:ident, $make:expr, |$r:ident| $base:block, |$h:ident| $head:block, $id:expr, $kind:literal, $class:literal) => {
        #[test]
        fn $name() {
            let $r: Repo = $make;
            $base
            $r.commit("base");
            let $h = &$r;
            $head
            let d = $h.diff_json(&["HEAD"]);
            let c = change(&d, $id, $kind);
            assert_eq!(c["class"], $class, "{d:#}");
            assert!(c["place"]["line"].as_u64().unwrap_or(0) >= 1, "{c:#}");
        }
    };
    ($name:ident, |$h:ident| $head:block, $id:expr, $kind:literal, $class:literal) => {
        case!($name, Repo::catalogue(), |_r| {}, |$h| $head, $id, $kind, $class);
    };
}

fn svc(name: &str) -> String {
    format!("{S}{name}.yaml")
}

const NEW_TEAM: &str = "apiVersion: catalogue/v1\nkind: Team\nmetadata:\n  id: data-team\n  name: Data\nspec:\n  email: data@example.org\n";

case!(
    entity_added,
    |r| { r.write("catalogue/teams/data.yaml", NEW_TEAM) },
    "data-team",
    "entity-added",
    "changed"
);
case!(
    entity_removed,
    |r| { r.remove("catalogue/products/staff-laptop.yaml") },
    "staff-laptop",
    "entity-removed",
    "weakened"
);
case!(
    entity_moved,
    |r| {
        r.git(&["mv", &svc("it-consultancy"), &svc("consultancy")]);
    },
    "it-consultancy",
    "entity-moved",
    "changed"
);
case!(
    lifecycle_weakened,
    |r| {
        r.edit(
            &svc("database-platform"),
            "lifecycle: live",
            "lifecycle: deprecated",
        )
    },
    "database-platform",
    "lifecycle-changed",
    "weakened"
);
case!(
    lifecycle_strengthened,
    Repo::catalogue(),
    |r| {
        r.edit(
            &svc("database-platform"),
            "lifecycle: live",
            "lifecycle: deprecated",
        )
    },
    |h| {
        h.edit(
            &svc("database-platform"),
            "lifecycle: deprecated",
            "lifecycle: live",
        )
    },
    "database-platform",
    "lifecycle-changed",
    "strengthened"
);
case!(
    lifecycle_changed,
    |r| {
        r.edit(
            &svc("database-platform"),
            "lifecycle: live",
            "lifecycle: pipeline",
        )
    },
    "database-platform",
    "lifecycle-changed",
    "changed"
);
case!(
    availability_lowered,
    |r| { r.edit(&svc("hr-self-service"), "target: 99.9", "target: 99.5") },
    "hr-self-service",
    "availability-lowered",
    "weakened"
);
case!(
    availability_raised,
    |r| {
        r.edit(
            &svc("payroll-application"),
            "target: 99.8,",
            "target: 99.85,",
        )
    },
    "payroll-application",
    "availability-raised",
    "strengthened"
);
case!(
    allowed_lowered,
    |r| { r.edit(&svc("cloud-hosting"), "target: 99.95,", "target: 99.9,") },
    "payroll-application",
    "allowed-availability-lowered",
    "weakened"
);
case!(
    allowed_raised,
    |r| { r.edit(&svc("cloud-hosting"), "target: 99.95,", "target: 99.99,") },
    "payroll-application",
    "allowed-availability-raised",
    "strengthened"
);
case!(
    response_slower,
    |r| {
        r.edit(
            &svc("cloud-hosting"),
            "P1, response: 15m",
            "P1, response: 30m",
        )
    },
    "cloud-hosting",
    "response-slower",
    "weakened"
);
case!(
    response_faster,
    |r| {
        r.edit(
            &svc("hr-self-service"),
            "P2, response: 30m",
            "P2, response: 20m",
        )
    },
    "hr-self-service",
    "response-faster",
    "strengthened"
);
case!(
    resolution_slower,
    |r| { r.edit(&svc("cloud-hosting"), "resolution: 2h}", "resolution: 1d}") },
    "cloud-hosting",
    "resolution-slower",
    "weakened"
);
case!(
    resolution_faster,
    |r| {
        r.edit(
            &svc("hr-self-service"),
            "resolution: 2w}",
            "resolution: 1w}",
        )
    },
    "hr-self-service",
    "resolution-faster",
    "strengthened"
);
case!(
    priority_removed,
    |r| {
        r.edit(
            &svc("cloud-hosting"),
            "      - {priority: P4, response: 8h, resolution: 5d}\n",
            "",
        )
    },
    "cloud-hosting",
    "priority-removed",
    "weakened"
);
case!(
    priority_added,
    Repo::catalogue(),
    |r| {
        r.edit(
            &svc("cloud-hosting"),
            "      - {priority: P4, response: 8h, resolution: 5d}\n",
            "",
        )
    },
    |h| {
        h.edit(
            &svc("cloud-hosting"),
            "resolution: 1d}\n",
            "resolution: 1d}\n      - {priority: P4, response: 8h, resolution: 5d}\n",
        )
    },
    "cloud-hosting",
    "priority-added",
    "strengthened"
);
case!(
    hours_reduced,
    |r| {
        r.edit(
            &svc("hr-self-service"),
            "[mon, tue, wed, thu, fri]",
            "[mon, tue, wed, thu]",
        )
    },
    "hr-self-service",
    "hours-reduced",
    "weakened"
);
case!(
    hours_extended,
    |r| { r.edit(&svc("hr-self-service"), "to: \"18:00\"", "to: \"20:00\"") },
    "hr-self-service",
    "hours-extended",
    "strengthened"
);
case!(
    hours_changed,
    |r| {
        r.edit(
            &svc("hr-self-service"),
            "timeZone: Europe/London\n    maintenance",
            "timeZone: Europe/Paris\n    maintenance",
        )
    },
    "hr-self-service",
    "hours-changed",
    "changed"
);
case!(
    fulfilment_slower,
    |r| { r.edit(&svc("hr-self-service"), "fulfilment: 5d", "fulfilment: 2w") },
    "hr-self-service",
    "fulfilment-slower",
    "weakened"
);
case!(
    fulfilment_faster,
    |r| { r.edit(&svc("hr-self-service"), "fulfilment: 5d", "fulfilment: 3d") },
    "hr-self-service",
    "fulfilment-faster",
    "strengthened"
);
case!(
    recovery_slower,
    |r| { r.edit(&svc("cloud-hosting"), "rto: 1h", "rto: 4h") },
    "cloud-hosting",
    "recovery-slower",
    "weakened"
);
case!(
    recovery_faster,
    |r| { r.edit(&svc("cloud-hosting"), "rpo: 5m", "rpo: 1m") },
    "cloud-hosting",
    "recovery-faster",
    "strengthened"
);
case!(
    request_added,
    |r| {
        r.edit(
            &svc("hr-self-service"),
            "fulfilment: 5d}\n",
            "fulfilment: 5d}\n      - {offering: Payslip copy, fulfilment: 2d}\n",
        )
    },
    "hr-self-service",
    "request-added",
    "strengthened"
);
case!(
    request_removed,
    |r| {
        r.edit(
            &svc("hr-self-service"),
            "      - {offering: Update personal details, fulfilment: 1d}\n",
            "",
        )
    },
    "hr-self-service",
    "request-removed",
    "weakened"
);
case!(
    offering_added,
    |r| {
        r.edit(
            &svc("hr-self-service"),
            "  offerings:\n",
            "  offerings:\n    - name: Payslip copy\n",
        )
    },
    "hr-self-service",
    "offering-added",
    "strengthened"
);
case!(
    offering_removed,
    |r| {
        r.edit(
            &svc("hr-self-service"),
            "    - name: Update personal details\n      requestable: true\n",
            "",
        )
    },
    "hr-self-service",
    "offering-removed",
    "weakened"
);
case!(
    category_changed,
    |r| {
        r.edit(
            &svc("cloud-hosting"),
            "category: infrastructure",
            "category: platform",
        )
    },
    "cloud-hosting",
    "category-changed",
    "changed"
);
case!(
    facing_changed,
    |r| {
        r.edit(
            &svc("cloud-hosting"),
            "facing: supporting",
            "facing: customer-facing",
        )
    },
    "cloud-hosting",
    "facing-changed",
    "changed"
);
case!(
    agreement_changed,
    |r| { r.edit(&svc("cloud-hosting"), "agreement: OLA", "agreement: UC") },
    "cloud-hosting",
    "agreement-changed",
    "changed"
);
case!(
    owner_changed,
    |r| {
        r.edit(
            &svc("cloud-hosting"),
            "team: platform-engineering",
            "team: service-desk",
        )
    },
    "cloud-hosting",
    "owner-changed",
    "changed"
);
case!(
    dependency_added,
    |r| {
        r.edit(
            &svc("hr-self-service"),
            "  dependencies:\n",
            "  dependencies:\n    - {service: database-platform, kind: soft}\n",
        )
    },
    "hr-self-service",
    "dependency-added",
    "changed"
);
case!(
    dependency_removed,
    |r| {
        r.edit(
            &svc("hr-self-service"),
            "    - {service: laptop-and-desktop, kind: soft}\n",
            "",
        )
    },
    "hr-self-service",
    "dependency-removed",
    "changed"
);
case!(
    dependency_kind_changed,
    |r| {
        r.edit(
            &svc("hr-self-service"),
            "laptop-and-desktop, kind: soft",
            "laptop-and-desktop, kind: hard",
        )
    },
    "hr-self-service",
    "dependency-kind-changed",
    "changed"
);
case!(
    product_link_changed,
    |r| {
        r.edit(
            "catalogue/products/hr-portal.yaml",
            "service: hr-self-service",
            "service: payroll-application",
        )
    },
    "hr-portal",
    "product-link-changed",
    "changed"
);
case!(
    field_changed,
    |r| { r.edit(&svc("cloud-hosting"), "criticality: 1", "criticality: 2") },
    "cloud-hosting",
    "field-changed",
    "changed"
);

fn organisation() -> Repo {
    let policy = std::fs::read_to_string(fixture("organisation/policy.yaml")).unwrap();
    Repo::with(
        &[("organisation/catalogue", "catalogue")],
        &[
            ("policy.yaml", &policy),
            (
                "catalint.yaml",
                "policy: policy.yaml\ninclude: [\"catalogue/**\"]\n",
            ),
        ],
    )
}

case!(
    organisation_field_changed,
    organisation(),
    |_r| {},
    |h| {
        h.edit(
            "catalogue/payroll.yaml",
            "costCentre: CC-1234",
            "costCentre: CC-5678",
        )
    },
    "payroll",
    "field-changed",
    "changed"
);

fn backstage() -> Repo {
    let policy = std::fs::read_to_string(fixture("backstage/policy.yaml")).unwrap();
    Repo::with(
        &[("backstage/catalogue", "catalogue")],
        &[
            ("policy.yaml", &policy),
            (
                "catalint.yaml",
                "policy: policy.yaml\ninclude: [\"catalogue/**\"]\n",
            ),
        ],
    )
}

const P: &str = "catalogue/components/payments.yaml";
const SEARCH: &str = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: search\nspec:\n  type: service\n  lifecycle: production\n  owner: payments-team\n  system: payments\n";
const API_DOC: &str = "---\napiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: payments-api\nspec:\n  type: openapi\n  lifecycle: production\n  owner: payments-team\n  system: payments\n  definition:\n    $text: https://example.org/payments/openapi.yaml\n";

case!(
    backstage_entity_added,
    backstage(),
    |_r| {},
    |h| { h.write("catalogue/components/search.yaml", SEARCH) },
    "component:default/search",
    "entity-added",
    "changed"
);
case!(
    backstage_entity_removed,
    backstage(),
    |_r| {},
    |h| { h.edit(P, API_DOC, "") },
    "api:default/payments-api",
    "entity-removed",
    "weakened"
);
case!(
    backstage_entity_moved,
    backstage(),
    |_r| {},
    |h| {
        h.edit(P, API_DOC, "");
        h.write(
            "catalogue/components/api.yaml",
            API_DOC.trim_start_matches("---\n"),
        )
    },
    "api:default/payments-api",
    "entity-moved",
    "changed"
);
case!(
    backstage_lifecycle_weakened,
    backstage(),
    |_r| {},
    |h| {
        h.edit(
            P,
            "lifecycle: production\n  owner: payments-team\n  system: payments\n  providesApis",
            "lifecycle: deprecated\n  owner: payments-team\n  system: payments\n  providesApis",
        )
    },
    "component:default/payments-service",
    "lifecycle-changed",
    "weakened"
);
case!(
    backstage_owner_changed,
    backstage(),
    |_r| {},
    |h| {
        h.edit(
            P,
            "owner: payments-team\n  system: payments\n  providesApis",
            "owner: commerce\n  system: payments\n  providesApis",
        )
    },
    "component:default/payments-service",
    "owner-changed",
    "changed"
);
case!(
    backstage_dependency_added,
    backstage(),
    |_r| {},
    |h| {
        h.edit(
            P,
            "  dependencyOf: [component:payments-service]\n",
            "  dependencyOf: [component:payments-service]\n  dependsOn: [resource:payments-db]\n",
        )
    },
    "component:default/ledger",
    "dependency-added",
    "changed"
);
case!(
    backstage_dependency_removed,
    backstage(),
    |_r| {},
    |h| { h.edit(P, "    - component:ledger\n", "") },
    "component:default/payments-service",
    "dependency-removed",
    "changed"
);
case!(
    backstage_field_changed,
    backstage(),
    |_r| {},
    |h| {
        h.edit(P, "  type: service\n  lifecycle: production\n  owner: payments-team\n  system: payments\n  providesApis", "  type: website\n  lifecycle: production\n  owner: payments-team\n  system: payments\n  providesApis")
    },
    "component:default/payments-service",
    "field-changed",
    "changed"
);
