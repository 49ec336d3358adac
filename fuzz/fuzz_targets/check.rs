//! The whole check (index, schemas, every rule, suppressions) of one in-memory file next to
//! a valid team, then every output format rendered.
#![no_main]

use std::sync::OnceLock;

use catalint::diagnostic::Summary;
use catalint::engine::check_texts;
use catalint::policy::Policy;
use catalint::report::{self, Format, Human, HumanOptions, Report, Reporter};
use catalint::schema::Schemas;
use libfuzzer_sys::fuzz_target;

const TEAM: &str = "apiVersion: catalogue/v1\nkind: Team\nmetadata: {id: ops, name: Ops}\nspec: {email: ops@example.org}\n";

fn setup() -> &'static (Schemas, Policy) {
    static S: OnceLock<(Schemas, Policy)> = OnceLock::new();
    S.get_or_init(|| (Schemas::new().unwrap(), Policy::builtin().unwrap()))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (schemas, policy) = setup();
    let (catalogue, diagnostics) = check_texts(&[("team.yaml", TEAM), ("fuzz.yaml", text)], schemas, policy);
    let summary = Summary::count(&diagnostics, catalogue.files.len(), catalogue.entities.len());
    let rulebook = policy.rulebook();
    let report = Report::new(&catalogue.files, &diagnostics, summary, &rulebook);
    let mut out = Vec::new();
    Human::new(HumanOptions { color: false, width: Some(80) }).report(&report, &mut out).unwrap();
    for format in [Format::Short, Format::Json, Format::Sarif, Format::Github, Format::Junit] {
        report::machine(format).unwrap().report(&report, &mut out).unwrap();
    }
});
