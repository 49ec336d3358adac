//! The pipeline, in order: discover files -> load YAML with spans -> build the catalogue
//! index -> schema validation -> rules (per entity, then catalogue-wide) -> severities and
//! sorting. It returns data; reporters turn it into output and `main` into an exit code.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::catalogue::{Catalogue, Kind, SourceDocument};
use crate::diagnostic::{self, Diagnostic, Label, Summary};
use crate::discover::{Found, Globs};
use crate::error::RunError;
use crate::load::{self, Limits};
use crate::policy::config::{self, Config, FailOn};
use crate::policy::{Level, Policy};
use crate::rules::{self, Context, REGISTRY};
use crate::schema::{self, Schemas};
use crate::source::{FileId, Files, Location, SourceFile};

/// Bytes in one file beyond which it is not read (`limits.fileSize`).
pub const DEFAULT_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// The most `limits.fileSize` can allow (2 GiB - 1).
pub const MAX_FILE_SIZE: u64 = i32::MAX as u64;

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
        .map(|f| read_and_load(&f.found, &f.name, file_size, &limits))
        .collect();

    timings.mark("read and load");
    // 3-5. Index, schemas, rules.
    let schemas = Schemas::new().map_err(RunError::Internal)?;
    let (catalogue, diagnostics) = analyse(
        inputs,
        &schemas,
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

/// How long each stage took: `catalint check --timings` shows them.
#[derive(Debug, Clone)]
pub struct Timings {
    pub stages: Vec<Stage>,
    last: std::time::Instant,
}

/// One stage of a run: how long it took, and the process's resident memory at its end.
#[derive(Debug, Clone)]
pub struct Stage {
    pub name: &'static str,
    pub time: std::time::Duration,
    /// Bytes, where the system tells (`/proc/self/status` on Linux).
    pub resident: Option<u64>,
}

impl Default for Timings {
    fn default() -> Self {
        Self {
            stages: Vec::new(),
            last: std::time::Instant::now(),
        }
    }
}

impl Timings {
    /// Records the time since the previous mark as `stage`'s.
    fn mark(&mut self, name: &'static str) {
        let now = std::time::Instant::now();
        self.stages.push(Stage {
            name,
            time: now - self.last,
            resident: resident_memory(),
        });
        self.last = now;
    }
}

/// The peak resident memory of this process so far (`VmHWM`), for `--timings`.
fn resident_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

/// One file as read: its source and what loading it gave, or the problem that kept it from
/// being read at all.
pub struct Input {
    source: SourceFile,
    loaded: Option<load::Loaded>,
    problem: Option<Problem>,
}

impl Input {
    /// A file held in memory, loaded now.
    pub fn from_text(name: &str, text: impl Into<std::sync::Arc<str>>, limits: &Limits) -> Input {
        let source = SourceFile::new(name, text);
        let loaded = load::load_fast(FileId(0), &source.text, limits);
        Input {
            source,
            loaded: Some(loaded),
            problem: None,
        }
    }
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
    for Input {
        source,
        loaded,
        problem,
    } in inputs
    {
        let id = files.add(source);
        if let Some(p) = problem {
            diagnostics.push(p.into_diagnostic(id));
        }
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
        diagnostics.extend(loaded.diagnostics.into_iter().map(|mut d| {
            rebind(&mut d, id);
            d
        }));
        documents.extend(
            loaded
                .documents
                .into_iter()
                .map(|doc| SourceDocument { file: id, doc }),
        );
    }

    // 3. Index.
    let (catalogue, index_findings) = Catalogue::build(files, documents);
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
            let check = schema::SchemaCheck {
                compiled: schemas.get(kind),
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
        .map(|(name, text)| Input::from_text(name, *text, &limits))
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

/// A file-level problem, before the file has its id.
struct Problem {
    rule: &'static rules::RuleMeta,
    message: String,
    label: String,
    at: usize,
    help: String,
}

impl Problem {
    fn into_diagnostic(self, file: FileId) -> Diagnostic {
        Diagnostic::new(
            self.rule.id,
            self.rule.default_severity,
            self.message,
            Label::new(Location::new(file, self.at..self.at), self.label),
        )
        .with_help(self.help)
    }
}

/// The loader works with file 0; findings are moved to the file's real id.
fn rebind(d: &mut Diagnostic, id: FileId) {
    d.primary.location.file = id;
    for r in &mut d.related {
        r.location.file = id;
    }
}

fn read_and_load(found: &Found, name: &str, max_size: u64, limits: &Limits) -> Input {
    let path = found.path();
    let problem = |rule: &'static rules::RuleMeta,
                   text: String,
                   at: usize,
                   message: String,
                   label: &str,
                   help: &str| Input {
        source: SourceFile::new(name, text),
        loaded: None,
        problem: Some(Problem {
            rule,
            message,
            label: label.into(),
            at,
            help: help.into(),
        }),
    };
    let unreadable = |message: String, help: &str| {
        problem(
            &rules::unreadable_file::META,
            String::new(),
            0,
            message,
            "this file",
            help,
        )
    };
    if let Found::Problem { message, .. } = found {
        return unreadable(
            format!("cannot read the file: {message}"),
            "fix or remove the file or link",
        );
    }
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => {
            return unreadable(
                "a folder, not a file".into(),
                "name the files inside it, or the folder itself without a trailing file name",
            );
        }
        Ok(m) if !m.is_file() => {
            // Never opened: reading a FIFO or a device could block or never end.
            return unreadable(
                "not a regular file (a pipe, socket or device)".into(),
                "catalogue files are regular files; remove it from the catalogue",
            );
        }
        Ok(m) if m.len() > max_size => {
            return problem(
                &rules::yaml_limit::META,
                String::new(),
                0,
                format!(
                    "the file is {} bytes, over the {max_size}-byte limit",
                    m.len()
                ),
                "not read",
                if max_size >= MAX_FILE_SIZE {
                    "split the file: catalint reads files of up to 2 GiB"
                } else {
                    "split the file, or raise `limits.fileSize` in catalint.yaml"
                },
            );
        }
        Ok(_) => {}
        Err(e) => {
            return unreadable(
                format!("cannot read the file: {e}"),
                "check that the file exists and is readable",
            );
        }
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            return unreadable(
                format!("cannot read the file: {e}"),
                "check the file's permissions",
            );
        }
    };
    if let Some(encoding) = wide_encoding(&bytes) {
        return unreadable(
            format!("the file is {encoding} text; catalogue files are UTF-8"),
            "re-save the file as UTF-8",
        );
    }
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        let text = String::from_utf8_lossy(&bytes[..nul]).into_owned();
        let at = text.len();
        return problem(
            &rules::unreadable_file::META,
            text,
            at,
            format!("the file holds a NUL byte at offset {nul}: it is binary, not YAML text"),
            "NUL byte here",
            "catalogue files are UTF-8 text; remove the file or the binary content",
        );
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            return problem(
                &rules::unreadable_file::META,
                text,
                at,
                format!("the file is not valid UTF-8: invalid byte at offset {at}"),
                "invalid UTF-8 here",
                "re-save the file as UTF-8",
            );
        }
    };
    Input::from_text(name, text, limits)
}

/// UTF-16 and UTF-32, told by their byte order mark or, without one, by the NUL bytes that
/// ASCII text in them is full of.
fn wide_encoding(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0, 0, 0xFE, 0xFF, ..] | [0xFF, 0xFE, 0, 0, ..] => return Some("UTF-32"),
        [0xFE, 0xFF, ..] | [0xFF, 0xFE, ..] => return Some("UTF-16"),
        _ => {}
    }
    let sample = &bytes[..bytes.len().min(64) & !3];
    if sample.len() >= 8 {
        let nul = |skip: usize, step: usize| {
            sample
                .iter()
                .skip(skip)
                .step_by(step)
                .filter(|&&b| b == 0)
                .count()
        };
        let quarter = sample.len() / 4;
        let half = sample.len() / 2;
        // ASCII in UTF-32: three NULs in every four bytes; in UTF-16: one in every two.
        if nul(0, 1) * 10 >= quarter * 3 * 9 {
            return Some("UTF-32");
        }
        if nul(0, 2) * 10 >= half * 9 || nul(1, 2) * 10 >= half * 9 {
            return Some("UTF-16");
        }
    }
    None
}
