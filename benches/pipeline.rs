//! Micro-benchmarks of the pipeline's stages (divan): `cargo bench`. Whole-process timings
//! against other tools are in `benches/compare.sh`. Never part of `cargo test`.

use std::sync::LazyLock;

use catalint::engine::check_texts;
use catalint::load::{Limits, load, load_fast};
use catalint::policy::Policy;
use catalint::report::{Human, HumanOptions, Report, Reporter};
use catalint::schema::{SchemaCheck, Schemas, check_document};
use catalint::source::FileId;

fn main() {
    divan::main();
}

const SERVICE: &str = include_str!("../fixtures/catalogue/services/hr-self-service.yaml");
const TEAMS: &str = include_str!("../fixtures/catalogue/teams/teams.yaml");

static SCHEMAS: LazyLock<Schemas> = LazyLock::new(|| Schemas::new().unwrap());
static POLICY: LazyLock<Policy> = LazyLock::new(|| Policy::builtin().unwrap());

/// `n` copies of the example service, with their own ids, depending on each other.
fn services(n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| {
            let text = SERVICE
                .replace("id: hr-self-service", &format!("id: svc-{i}"))
                .replace("product: hr-portal\n", "")
                .replace(
                    "service: identity-and-access",
                    &format!("service: svc-{}", (i + 1) % n),
                );
            (format!("services/svc-{i}.yaml"), text)
        })
        .collect()
}

#[divan::bench]
fn load_with_spans(b: divan::Bencher) {
    b.bench(|| load(FileId(0), divan::black_box(SERVICE), &Limits::default()));
}

/// The YAML events of a service file from the fast scanner (`load::fast`), against
/// saphyr-parser's below: the floor under every load.
#[divan::bench]
fn scan_fast(b: divan::Bencher) {
    b.counter(divan::counter::BytesCount::of_str(SERVICE))
        .bench(|| catalint::load::fast::events(divan::black_box(SERVICE)).map(|e| e.len()));
}

#[divan::bench]
fn scan_saphyr(b: divan::Bencher) {
    b.counter(divan::counter::BytesCount::of_str(SERVICE))
        .bench(|| {
            catalint::load::fast::reference_events(divan::black_box(SERVICE))
                .0
                .len()
        });
}

#[divan::bench]
fn load_values_only(b: divan::Bencher) {
    let text: std::sync::Arc<str> = SERVICE.into();
    b.bench(|| load_fast(FileId(0), divan::black_box(&text), &Limits::default()));
}

#[divan::bench]
fn schema_validate_valid(b: divan::Bencher) {
    let loaded = load(FileId(0), SERVICE, &Limits::default());
    let doc = &loaded.documents[0];
    let compiled = SCHEMAS
        .get(catalint::catalogue::Kind::Service)
        .expect("the built-in schemas include Service");
    b.bench(|| {
        let check = SchemaCheck {
            compiled,
            file: FileId(0),
            text: SERVICE,
            doc,
        };
        check_document(&check, &|_| false)
    });
}

#[divan::bench]
fn schema_validate_invalid(b: divan::Bencher) {
    let text = SERVICE
        .replace("criticality: 2", "criticality: high")
        .replace("facing: customer-facing", "facing: everyone");
    let loaded = load(FileId(0), &text, &Limits::default());
    let doc = &loaded.documents[0];
    let compiled = SCHEMAS
        .get(catalint::catalogue::Kind::Service)
        .expect("the built-in schemas include Service");
    b.bench(|| {
        let check = SchemaCheck {
            compiled,
            file: FileId(0),
            text: &text,
            doc,
        };
        check_document(&check, &|_| false)
    });
}

#[divan::bench(args = [100, 1000])]
fn whole_check_in_memory(b: divan::Bencher, n: usize) {
    let files = services(n);
    b.bench(|| {
        let mut all: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, t)| (a.as_str(), t.as_str()))
            .collect();
        all.push(("teams.yaml", TEAMS));
        check_texts(&all, &SCHEMAS, &POLICY)
    });
}

/// Rendering thousands of findings in one large file must not rescan it per label.
#[divan::bench(args = [1000, 5000])]
fn render_findings_in_one_file(b: divan::Bencher, n: usize) {
    let text: String = (0..n)
        .map(|i| format!("apiVersion: catalogue/v1\nkind: Team\nmetadata: {{id: team-{i}, name: T}}\nspec: {{email: not-an-email}}\n"))
        .collect::<Vec<_>>()
        .join("---\n");
    let (catalogue, diagnostics) = check_texts(&[("teams.yaml", &text)], &SCHEMAS, &POLICY);
    let summary = catalint::diagnostic::Summary::count(&diagnostics, 1, catalogue.entities.len());
    let rules = catalint::rules::rulebook(&POLICY);
    let human = Human::new(HumanOptions {
        color: false,
        width: Some(100),
    });
    b.bench(|| {
        let report = Report::new(&catalogue.files, &diagnostics, summary, &rules);
        let mut out = Vec::with_capacity(1 << 20);
        human.report(&report, &mut out).unwrap();
        out
    });
}
