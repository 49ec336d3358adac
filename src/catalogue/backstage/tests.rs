//! The kind schemas against Backstage's own test cases: each table is the `it.each` table
//! of the validator function's test in Backstage's catalog-model
//! (`src/validation/KubernetesValidatorFunctions.test.ts`, `CommonValidatorFunctions.test.ts`,
//! `src/entity/policies/FieldFormatEntityPolicy.test.ts`), value and expected outcome.

use serde_json::{Value, json};

use super::*;
use crate::load::Tree;

fn component() -> crate::schema::Compiled {
    let (_, schema) = schemas()
        .into_iter()
        .find(|(k, _)| k.as_str() == "Component")
        .expect("a Component schema");
    crate::schema::Compiled::new(schema).expect("it compiles")
}

fn valid(schema: &crate::schema::Compiled, metadata: Value) -> bool {
    let doc = json!({
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": metadata,
        "spec": {"type": "service", "lifecycle": "production", "owner": "team-a"},
    });
    schema.validator.is_valid(Tree::from_value(&doc).root())
}

fn a(n: usize) -> String {
    "a".repeat(n)
}

/// `${'a'.repeat(63)}.${'a'.repeat(63)}.${'a'.repeat(63)}.${'a'.repeat(last)}`: 253
/// characters with `last` = 61, 254 with 62.
fn subdomain(last: usize) -> String {
    format!("{}.{}.{}.{}", a(63), a(63), a(63), a(last))
}

fn check(table: &[(Value, bool)], wrap: impl Fn(&Value) -> Value) {
    let schema = component();
    for (value, expected) in table {
        assert_eq!(
            valid(&schema, wrap(value)),
            *expected,
            "{value}: Backstage says {expected}"
        );
    }
}

#[test]
fn the_schemas_compile() {
    for (kind, schema) in schemas() {
        crate::schema::Compiled::new(schema).unwrap_or_else(|e| panic!("{}: {e}", kind.as_str()));
    }
}

#[test]
fn kinds_are_named_case_insensitively_in_references() {
    assert_eq!(kind_named("api"), Some(Kind::declared("API")));
    assert_eq!(kind_named("component"), Some(Kind::declared("Component")));
    assert_eq!(kind_named("service"), None);
}

#[test]
fn names_as_is_valid_object_name() {
    let table = [
        (json!(7), false),
        (json!(null), false),
        (json!(""), false),
        (json!("a"), true),
        (json!("AZ09"), true),
        (json!(a(63)), true),
        (json!(a(64)), false),
        (json!("a/b"), false),
        (json!("a-b"), true),
        (json!("-a-b"), false),
        (json!("a-b-"), false),
        (json!("a--b"), true),
        (json!("a_b"), true),
        (json!("a.b"), true),
        (json!("a..b"), true),
    ];
    check(&table, |v| json!({"name": v}));
}

#[test]
fn namespaces_as_is_valid_namespace() {
    let table = [
        (json!(7), false),
        (json!(null), false),
        (json!(""), false),
        (json!("a"), true),
        (json!("AZ09"), false),
        (json!(a(63)), true),
        (json!(a(64)), false),
        (json!("a/b"), false),
        (json!("a-b"), true),
        (json!("-a-b"), false),
        (json!("a-b-"), false),
        (json!("a--b"), false),
        (json!("a_b"), false),
        (json!("a.b"), false),
    ];
    check(&table, |v| json!({"name": "x", "namespace": v}));
}

/// `isValidLabelKey` and `isValidAnnotationKey` share their table.
fn key_table() -> Vec<(Value, bool)> {
    vec![
        (json!(""), false),
        (json!("a"), true),
        (json!("AZ09"), true),
        (json!(a(63)), true),
        (json!(a(64)), false),
        (json!("a/b"), true),
        (json!("a-b"), true),
        (json!("-a-b"), false),
        (json!("a-b-"), false),
        (json!("a--b"), true),
        (json!("a_b"), true),
        (json!("a.b"), true),
        (json!("a..b"), true),
        (json!("a/a"), true),
        (json!("a-b.c/a"), true),
        (json!("a--b.c/a"), false),
        (json!(format!("{}/a", subdomain(61))), true),
        (json!(format!("{}/a", subdomain(62))), false),
        (json!(format!("a/{}", a(63))), true),
        (json!(format!("a/{}", a(64))), false),
        // isValidPrefixAndOrSuffix: one or two parts.
        (json!("a/b/c"), false),
        // isValidDnsSubdomain: `a.${'b'.repeat(63)}.c` is one, with 64 it is not.
        (json!(format!("a.{}.c/a", "b".repeat(63))), true),
        (json!(format!("a.{}.c/a", "b".repeat(64))), false),
        (json!("adam.-bertil.caesar/a"), false),
        (json!("adam.bertil-.caesar/a"), false),
        (json!("Adam/a"), false),
    ]
}

#[test]
fn label_and_annotation_keys_as_is_valid_label_key() {
    let keys = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    check(
        &key_table(),
        |v| json!({"name": "x", "labels": {keys(v): "x"}}),
    );
    check(
        &key_table(),
        |v| json!({"name": "x", "annotations": {keys(v): "x"}}),
    );
}

#[test]
fn label_values_as_is_valid_label_value() {
    let table = [
        (json!(7), false),
        (json!(null), false),
        (json!(""), true),
        (json!("a"), true),
        (json!("AZ09"), true),
        (json!(a(63)), true),
        (json!(a(64)), false),
        (json!("a/b"), false),
        (json!("a-b"), true),
        (json!("-a-b"), false),
        (json!("a-b-"), false),
        (json!("a--b"), true),
        (json!("a_b"), true),
        (json!("a.b"), true),
        (json!("a..b"), true),
    ];
    check(&table, |v| json!({"name": "x", "labels": {"a": v}}));
}

#[test]
fn annotation_values_as_is_valid_annotation_value() {
    let table = [
        (json!(7), false),
        (json!(null), false),
        (json!(""), true),
        (json!("a"), true),
        (json!("/".repeat(6000)), true),
    ];
    check(&table, |v| json!({"name": "x", "annotations": {"a": v}}));
}

#[test]
fn link_urls_as_is_valid_url() {
    let table = [
        (json!(null), false),
        (json!(7), false),
        (json!(""), false),
        (json!("abc"), false),
        (json!("   abc"), false),
        (json!({}), false),
        (json!("http://foo"), true),
        (json!("https://www.foo.com/"), true),
        (json!("https://foo.com:8080"), true),
        (json!("https://foo:8080/page"), true),
        (json!("https://foo:8080/sub/page"), true),
        (json!("https://foo:8080/sub/page?query"), true),
        (json!("https://foo:8080/sub/page/?query=value"), true),
        (json!("https://foo:8080/sub/page/?query=value&"), true),
        (
            json!("https://foo:8080/sub/page/?query=value&another=val"),
            true,
        ),
        (json!("https://foo.com/page#fragment"), true),
        (json!("ftp://ftp.some.domain.com/path"), true),
        (json!("xyz://custom-protocol:4444/path"), true),
        // What `new URL()` does beyond Backstage's table: a host for the special schemes.
        (json!("https://"), false),
        (json!("http://a b/"), false),
        (json!("mailto:team@example.org"), true),
    ];
    check(&table, |v| json!({"name": "x", "links": [{"url": v}]}));
}

#[test]
fn link_titles_as_is_valid_string() {
    let table = [
        (json!(null), false),
        (json!(true), false),
        (json!(7), false),
        (json!({}), false),
        (json!(""), false),
        (json!(" "), false),
        (json!("    "), false),
        (json!("abc"), true),
        (json!(" abc "), true),
        (json!("abc xyz"), true),
        (json!("abc xyz abc."), true),
    ];
    check(
        &table,
        |v| json!({"name": "x", "links": [{"url": "http://foo", "title": v}]}),
    );
}

#[test]
fn link_icons_as_field_format_entity_policy_checks_them() {
    let table = [
        (json!("dashboard"), true),
        (json!("admin-dashboard"), true),
        (json!("foo_dashboard"), true),
        (json!(""), false),
        (json!(123), false),
        (json!({}), false),
        (json!([]), false),
        (json!("abc xyz"), false),
    ];
    check(
        &table,
        |v| json!({"name": "x", "links": [{"url": "http://foo", "icon": v}]}),
    );
}
