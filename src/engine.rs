//! The pipeline, in order: discover files -> load YAML with spans -> build the catalogue
//! index -> schema validation -> rules (per entity, then catalogue-wide) -> severities and
//! sorting. It returns data; reporters turn it into output and `main` into an exit code.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::catalogue::{Catalogue, Kind, SourceDocument};
use crate::diagnostic::{self, Diagnostic, Label, Summary};
use crate::discover::Globs;
use crate::error::RunError;
use crate::load::{self, Limits};
use crate::policy::config::{self, Config, FailOn};
use crate::policy::{Level, Policy};
use crate::rules::{self, Context, REGISTRY};
use crate::schema::{self, Schemas};
use crate::source::{FileId, Files, Location};

use crate::read;
pub use crate::read::{DEFAULT_FILE_SIZE, Input, MAX_FILE_SIZE};
pub use crate::timings::{Stage, Timings};

/// Which config file applies.
#[derive(Debug, Clone, Default)]
pub enum ConfigChoice {
    /// The nearest `catalint.yaml` at or above the first path (or the current folder).
    #[default]
    Discover,
    File(PathBuf),
    None,
}

/// What to check and how: the command line, before config and policy are applied.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    pub config: ConfigChoice,
    pub policy: Option<PathBuf>,
    pub fail_on: Option<FailOn>,
    /// `--rule ID=LEVEL` overrides, strongest of all.
    pub rule_levels: Vec<(String, Level)>,
    /// Hide the findings recorded in this baseline.
    pub baseline: Option<PathBuf>,
}

/// A finished check: the catalogue, its findings in output order, and the verdict.
#[derive(Debug)]
pub struct Outcome {
    pub catalogue: Catalogue,
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
    pub fail_on: FailOn,
    pub policy: Policy,
    /// Findings hidden because the baseline knows them.
    pub baselined: usize,
    pub timings: Timings,
    /// The files reported on (by file id), when the run reports only some of its files.
    pub focus: Option<Vec<bool>>,
}

impl Outcome {
    /// What the reporters read.
    pub fn report<'a>(&'a self, rules: &'a [crate::rules::RuleInfo]) -> crate::report::Report<'a> {
        crate::report::Report {
            fail_on: self.fail_on,
            reported: self.focus.as_deref(),
            ..crate::report::Report::new(self.files(), &self.diagnostics, self.summary, rules)
        }
    }

    pub fn files(&self) -> &Files {
        &self.catalogue.files
    }

    /// Whether the findings fail the run (exit 1).
    pub fn failed(&self) -> bool {
        match self.fail_on {
            FailOn::Error => self.summary.errors > 0,
            FailOn::Warning => self.summary.errors + self.summary.warnings > 0,
            FailOn::Never => false,
        }
    }
}

/// Runs the whole pipeline.
pub fn check(opts: &CheckOptions) -> Result<Outcome, RunError> {
    let (config, policy) = load_settings(&opts.config, opts.policy.as_deref(), opts.paths.first())?;
    for (id, _) in &opts.rule_levels {
        if !policy.knows(id) {
            return Err(RunError::Usage(policy.unknown_rule_message(id)));
        }
    }
    let levels = Levels::new(opts, &config, &policy)?;
    let mut baseline = opts
        .baseline
        .as_deref()
        .map(crate::baseline::Baseline::read)
        .transpose()?;
    let limits = Limits {
        alias_nodes: config
            .limits
            .alias_nodes
            .unwrap_or(Limits::default().alias_nodes),
        depth: config.limits.depth.unwrap_or(Limits::default().depth),
        documents: config
            .limits
            .documents
            .unwrap_or(Limits::default().documents),
    };
    // Document trees address their text with 31-bit offsets: no setting reads a larger file.
    let file_size = config
        .limits
        .file_size
        .unwrap_or(DEFAULT_FILE_SIZE)
        .min(MAX_FILE_SIZE);

    let mut timings = Timings::default();
    // 1. Discover and select: the catalogue's files, and which of them are reported.
    let cwd = crate::paths::Cwd::current();
    let mut settings_files: Vec<PathBuf> = config.path.iter().cloned().collect();
    settings_files.extend(policy.files.iter().cloned());
    let selection = crate::select::select(&opts.paths, &config, &settings_files, &cwd)?;
    let focus = selection.focus.as_deref();

    timings.mark("discover");
    // 2. Read and load, in parallel.
    let inputs: Vec<Input> = selection
        .files
        .par_iter()
        .enumerate()
        .map(|(i, f)| {
            let id = FileId(u32::try_from(i).unwrap_or(u32::MAX));
            read::read(&f.found, &f.name, id, file_size, &limits)
        })
        .collect();

    timings.mark("read and load");
    // 3-5. Index, schemas, rules. The schemas are the policy's: composed and compiled once
    // when it was read.
    let (catalogue, diagnostics) = analyse(
        inputs,
        &policy.schemas,
        &policy,
        &|rule| levels.off_everywhere(rule),
        focus,
        &mut timings,
    );

    // 6. Suppression comments, severities, the baseline, the reported files, order.
    let diagnostics = crate::suppress::apply(diagnostics, &catalogue.files, &policy, &|rule| {
        !levels.off_everywhere(rule)
    });
    let paths: Vec<PathBuf> = catalogue
        .files
        .iter()
        .map(|(_, f)| PathBuf::from(&f.path))
        .collect();
    let mut diagnostics: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter_map(|mut d| {
            match levels.for_file(&d.rule, &paths[d.file().0 as usize]) {
                Some(Level::Off) => return None,
                Some(level) => d.severity = level.severity().unwrap_or(d.severity),
                None => {}
            }
            Some(d)
        })
        .collect();
    let baselined = match baseline.as_mut() {
        Some(b) => b.filter(&mut diagnostics, &catalogue.files),
        None => 0,
    };
    if focus.is_some() {
        // A finding is the reported files' business when any of its places lies in one:
        // a staged copy that repeats an id, or a staged edit that closes a cycle, is
        // reported even where the finding's primary place is an unchanged file.
        diagnostics.retain(|d| d.places().any(|l| in_focus(focus, l.file)));
    }
    diagnostic::sort(&mut diagnostics, &catalogue.files);
    let mut summary = Summary::count(&diagnostics, selection.reported(), catalogue.entities.len());
    summary.skipped = selection.skipped;
    timings.mark("suppressions, severities, order");
    let fail_on = opts.fail_on.or(config.fail_on).unwrap_or_default();
    Ok(Outcome {
        catalogue,
        diagnostics,
        summary,
        fail_on,
        policy,
        baselined,
        timings,
        focus: selection.focus,
    })
}

/// Stages 3 to 5 over files already read: build the index, validate schemas, run the rules
/// (per entity in parallel, then catalogue-wide), skipping rules that `off` names. Returns
/// the catalogue and its raw findings, before suppressions and severities.
///
/// `focus` (by file position) names the files whose findings are wanted: only their
/// documents are validated and run through the per-entity rules, whose findings always
/// land in the entity's own file. Catalogue-wide rules always see everything.
pub fn analyse(
    inputs: Vec<Input>,
    schemas: &Schemas,
    policy: &Policy,
    off: &(dyn Fn(&str) -> bool + Sync),
    focus: Option<&[bool]>,
    timings: &mut Timings,
) -> (Catalogue, Vec<Diagnostic>) {
    // Most files hold one document: sized up front, these never grow (and never hold two
    // copies while growing) on a large catalogue.
    let mut files = Files::with_capacity(inputs.len());
    let mut documents = Vec::with_capacity(inputs.len());
    let mut diagnostics = Vec::new();
    for mut input in inputs {
        if let Some(d) = input.problem_diagnostic() {
            diagnostics.push(d);
        }
        let Input {
            file,
            source,
            loaded,
            ..
        } = input;
        let id = files.add(source);
        // Files were read with the ids they get here: their findings need no renumbering.
        debug_assert_eq!(id, file);
        let Some(loaded) = loaded else { continue };
        let any_document = loaded.documents.iter().any(|d| !d.value.is_null());
        if !any_document && loaded.diagnostics.is_empty() {
            diagnostics.push(
                Diagnostic::new(
                    rules::empty_file::META.id,
                    rules::empty_file::META.default_severity,
                    "the file holds no catalogue entity",
                    Label::new(Location::new(id, 0..0), "empty, or only comments"),
                )
                .with_help("write the entity, or delete the file"),
            );
        }
        diagnostics.extend(loaded.diagnostics);
        documents.extend(
            loaded
                .documents
                .into_iter()
                .map(|doc| SourceDocument { file: id, doc }),
        );
    }

    // 3. Index.
    let (catalogue, index_findings) = Catalogue::build(files, documents, &policy.kinds);
    diagnostics.extend(index_findings);
    timings.mark("index");

    // 4. Schema validation and YAML 1.1 ambiguity.
    let entity_docs: std::collections::HashMap<usize, Kind> = catalogue
        .entities
        .iter()
        .map(|e| (e.document, e.kind))
        .collect();
    // Outside a focused run's reported files, only the pointers that broke the schema are
    // wanted (the domain rules leave those values alone everywhere); no finding is built.
    let schema_results: Vec<(usize, Vec<Diagnostic>, Vec<String>)> = catalogue
        .documents
        .par_iter()
        .enumerate()
        .map(|(i, source)| {
            let Some(&kind) = entity_docs.get(&i) else {
                let found = match in_focus(focus, source.file) {
                    true => schema::ambiguity(source.file, &source.doc, &[]),
                    false => Vec::new(),
                };
                return (i, found, Vec::new());
            };
            // Every kind the index knows has a schema, when `schemas` are the policy's.
            let Some(compiled) = schemas.get(kind) else {
                return (i, Vec::new(), Vec::new());
            };
            let check = schema::SchemaCheck {
                compiled,
                file: source.file,
                text: &catalogue.files.get(source.file).text,
                doc: &source.doc,
            };
            let owned = |issue: &schema::Issue| schema::owned_by_domain_rule(kind, issue);
            if !in_focus(focus, source.file) {
                return (i, Vec::new(), schema::failed_pointers(&check, &owned));
            }
            let mut out = schema::check_document(&check, &owned);
            let failed = out.iter().filter_map(|d| d.pointer.clone()).collect();
            let ambiguous = schema::ambiguity(source.file, &source.doc, &out);
            out.extend(ambiguous);
            (i, out, failed)
        })
        .collect();
    // Values that broke the schema are not read by the domain rules: one root cause, one
    // finding (`owner.team: Team-A` is a bad id, not also a missing team).
    let mut failed = rules::SchemaFailures::default();
    for (document, found, pointers) in schema_results {
        for p in &pointers {
            failed.add(document, p);
        }
        diagnostics.extend(found);
    }
    timings.mark("schema");

    // 5. Rules: per entity, then catalogue-wide.
    let cx = Context::new(&catalogue, policy).with_schema_failures(failed);
    // A per-entity finding can have a related place in another file (a live product on a
    // service that a staged edit made `pipeline`): in a focused run, the entities that name
    // an entity of a reported file are checked too; the places decide what is reported.
    let focused_ids: HashSet<&str> = match focus {
        None => HashSet::new(),
        Some(_) => catalogue
            .iter()
            .filter(|e| in_focus(focus, e.file()))
            .filter_map(|e| e.entity.id.as_deref())
            .collect(),
    };
    let entity_findings: Vec<Diagnostic> = (0..catalogue.entities.len())
        .into_par_iter()
        .flat_map_iter(|i| {
            let e = catalogue.entity(i);
            let mut out = Vec::new();
            if !in_focus(focus, e.file()) && !names_any(e, &focused_ids) {
                for rule in &policy.custom_rules {
                    if !off(&rule.def.id) {
                        rule.check_references(&cx, e, &mut out);
                    }
                }
                return out;
            }
            for rule in REGISTRY {
                if rule.meta().stage == rules::Stage::Entity && !off(rule.meta().id) {
                    rule.check_entity(&cx, e, &mut out);
                }
            }
            for rule in &policy.custom_rules {
                if !off(&rule.def.id) {
                    rule.check_entity(&cx, e, &mut out);
                }
            }
            out
        })
        .collect();
    diagnostics.extend(entity_findings);
    // Catalogue-wide rules are independent of each other: run them side by side.
    let builtin = REGISTRY
        .par_iter()
        .filter(|r| r.meta().stage == rules::Stage::Catalogue && !off(r.meta().id))
        .flat_map_iter(|rule| {
            let mut out = Vec::new();
            rule.check_catalogue(&cx, &mut out);
            out
        });
    let custom = policy
        .custom_rules
        .par_iter()
        .filter(|r| !off(&r.def.id))
        .flat_map_iter(|rule| {
            let mut out = Vec::new();
            rule.check_catalogue(&cx, &mut out);
            out
        });
    let wide: Vec<Diagnostic> = builtin.chain(custom).collect();
    diagnostics.extend(wide);
    drop(cx);
    timings.mark("rules");
    (catalogue, diagnostics)
}

/// Checks files held in memory under the given policy, with suppressions applied: the whole
/// pipeline but discovery and reading, for fuzzing and mutation tests.
pub fn check_texts(
    files: &[(&str, &str)],
    schemas: &Schemas,
    policy: &Policy,
) -> (Catalogue, Vec<Diagnostic>) {
    let limits = Limits::default();
    let inputs = files
        .iter()
        .enumerate()
        .map(|(i, (name, text))| {
            Input::from_text(
                FileId(u32::try_from(i).unwrap_or(u32::MAX)),
                name,
                *text,
                &limits,
            )
        })
        .collect();
    let (catalogue, diagnostics) = analyse(
        inputs,
        schemas,
        policy,
        &|_| false,
        None,
        &mut Timings::default(),
    );
    let diagnostics = crate::suppress::apply(diagnostics, &catalogue.files, policy, &|_| true);
    (catalogue, diagnostics)
}

/// Rule levels from every source, strongest first: command line, the config's per-path
/// overrides (the last matching one wins), the config's `rules`, the policy.
struct Levels<'a> {
    cli: &'a [(String, Level)],
    config: &'a Config,
    policy: &'a Policy,
    overrides: Vec<(Globs, &'a std::collections::BTreeMap<String, Level>)>,
}

impl<'a> Levels<'a> {
    fn new(
        opts: &'a CheckOptions,
        config: &'a Config,
        policy: &'a Policy,
    ) -> Result<Self, RunError> {
        let overrides = config
            .overrides
            .iter()
            .map(|o| Ok((Globs::new(&config.dir, &o.files)?, &o.rules)))
            .collect::<Result<_, RunError>>()?;
        Ok(Self {
            cli: &opts.rule_levels,
            config,
            policy,
            overrides,
        })
    }

    fn cli(&self, rule: &str) -> Option<Level> {
        self.cli
            .iter()
            .rev()
            .find(|(id, _)| id == rule)
            .map(|(_, l)| *l)
    }

    fn global(&self, rule: &str) -> Option<Level> {
        self.cli(rule)
            .or_else(|| self.config.rules.get(rule).copied())
            .or_else(|| self.policy.level(rule))
    }

    fn for_file(&self, rule: &str, path: &Path) -> Option<Level> {
        self.cli(rule)
            .or_else(|| {
                self.overrides
                    .iter()
                    .rev()
                    .find(|(globs, rules)| rules.contains_key(rule) && globs.matches(path))
                    .and_then(|(_, rules)| rules.get(rule).copied())
            })
            .or_else(|| self.global(rule))
    }

    /// Whether a rule is off for every file, so that its checks need not run at all.
    fn off_everywhere(&self, rule: &str) -> bool {
        self.global(rule) == Some(Level::Off)
            && (self.cli(rule).is_some()
                || !self
                    .overrides
                    .iter()
                    .any(|(_, r)| r.get(rule).is_some_and(|l| *l != Level::Off)))
    }
}

/// The config and the policy in force: `--policy` beats the config's `policy:`, which
/// beats the built-in default. `start` is where config discovery begins.
pub fn load_settings(
    choice: &ConfigChoice,
    policy: Option<&Path>,
    start: Option<&PathBuf>,
) -> Result<(Config, Policy), RunError> {
    let path = match choice {
        ConfigChoice::None => None,
        ConfigChoice::File(p) => Some(p.clone()),
        ConfigChoice::Discover => config::discover(start.map_or(Path::new("."), PathBuf::as_path)),
    };
    let mut config = match path {
        Some(p) => Config::load(&p)?,
        None => Config::none(),
    };
    let policy = match policy.or(config.policy.as_deref()) {
        Some(path) => Policy::from_file(path)?,
        None => Policy::builtin()?,
    };
    config.check_rule_ids(&policy)?;
    Ok((config, policy))
}

/// Whether any string in `e`'s document is one of `ids`: a cheap over-approximation of
/// "`e` refers to one of them" (an extra check only costs time; places filter the output).
fn names_any(e: crate::catalogue::EntityRef<'_>, ids: &HashSet<&str>) -> bool {
    if ids.is_empty() {
        return false;
    }
    fn walk(node: load::Node<'_>, ids: &HashSet<&str>) -> bool {
        match node.view() {
            load::View::String(s) => ids.contains(s),
            load::View::Array(items) => items.into_iter().any(|n| walk(n, ids)),
            load::View::Object(members) => members.into_iter().any(|(_, n)| walk(n, ids)),
            _ => false,
        }
    }
    e.get("/spec").is_some_and(|spec| walk(spec, ids))
}

fn in_focus(focus: Option<&[bool]>, file: FileId) -> bool {
    focus.is_none_or(|f| f.get(file.0 as usize).copied().unwrap_or(false))
}
