//! `catalint site`: the checked catalogue as a static site (a folder, or one HTML file).
//! The exit code is `check`'s: a catalogue with findings still gets its site, and the run
//! fails as a check would unless `--fail-on never`.

use std::io::{self, Write};
use std::path::PathBuf;
use std::time::Instant;

use super::{SettingsArgs, exit, run_error};
use crate::engine::{self, CheckOptions};
use crate::settings::config::FailOn;
use crate::site::{self, Input, html::Mode, output};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  catalint site catalogue/ --out site/            a folder to publish (GitHub or GitLab Pages)\n  catalint site catalogue/ --single-file cat.html one file, e.g. a CI artifact\n\nThe site works from file:// and needs no server and no network. A folder that holds files\ncatalint did not write is refused (--force writes into it anyway)."
)]
pub struct SiteArgs {
    /// Files and folders of the catalogue (default: the current folder, or the config's
    /// `include`).
    pub paths: Vec<PathBuf>,
    /// The folder to write the site into (default `site`).
    #[arg(long, value_name = "DIR", conflicts_with = "single_file")]
    pub out: Option<PathBuf>,
    /// Write the whole site as one self-contained HTML file instead.
    #[arg(long, value_name = "FILE")]
    pub single_file: Option<PathBuf>,
    /// Write into a folder that holds other files (they are left alone).
    #[arg(long)]
    pub force: bool,
    /// The site's title.
    #[arg(long, default_value = "Service catalogue")]
    pub title: String,
    /// Link each entity to its file and line here (beats the config's `repository`), e.g.
    /// `https://github.com/acme/catalogue/blob/main`.
    #[arg(long, value_name = "URL")]
    pub repository: Option<String>,
    /// The severity that fails the run (exit 1); the site is written either way.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Print how long the check, the pages and the writing took, on stderr.
    #[arg(long)]
    pub timings: bool,
    #[command(flatten)]
    pub settings: SettingsArgs,
}

pub(super) fn run(args: SiteArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let started = Instant::now();
    let opts = CheckOptions {
        paths: args.paths.clone(),
        config: args.settings.choice(),
        policy: args.settings.policy.clone(),
        fail_on: args.fail_on,
        rule_levels: Vec::new(),
        baseline: None,
    };
    let outcome = match engine::check(&opts) {
        Ok(o) => o,
        Err(e) => return run_error(e, err, None),
    };
    let checked = started.elapsed();
    // The config again, for its `repository` (settings are small; the check has them too).
    let (repository, root) = match &args.repository {
        Some(url) => (Some(url.clone()), None),
        None => match engine::load_settings(
            &args.settings.choice(),
            args.settings.policy.as_deref(),
            args.paths.first(),
        ) {
            Ok((config, _)) => (
                config.repository.clone(),
                config.path.as_ref().map(|_| config.dir.clone()),
            ),
            Err(_) => (None, None),
        },
    };
    if let Some(url) = &repository
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        writeln!(
            err,
            "error: --repository must be an http(s) URL, not `{url}`"
        )?;
        return Ok(exit::ERROR);
    }
    let rules = crate::rules::rulebook(&outcome.policy);
    let input = Input {
        catalogue: &outcome.catalogue,
        diagnostics: &outcome.diagnostics,
        policy: &outcome.policy,
        rules: &rules,
        summary: outcome.summary,
        title: args.title.clone(),
        repository,
        repository_root: root,
    };
    let mode = if args.single_file.is_some() {
        Mode::SingleFile
    } else {
        Mode::Folder
    };
    let (pages, written, place) = match &args.single_file {
        Some(file) => {
            let pages = site::build(&input, mode);
            let text = output::single_file(&args.title, &pages);
            if let Err(e) = std::fs::write(file, text) {
                writeln!(
                    err,
                    "error: cannot write {}: {e}",
                    crate::paths::shown(file)
                )?;
                return Ok(exit::ERROR);
            }
            (pages.len(), 1, crate::paths::shown(file))
        }
        None => {
            let dir = args.out.clone().unwrap_or_else(|| PathBuf::from("site"));
            // Pages are written as they are made: a large site is never in memory whole.
            let written = output::Folder::open(&dir, args.force).and_then(|folder| {
                let pages = site::build_each(&input, mode, &|page| {
                    folder.write(&page.path, page.text.as_bytes())
                })?;
                Ok((pages, folder.finish()?))
            });
            match written {
                Ok((pages, files)) => (pages, files, crate::paths::shown(&dir)),
                Err(e) => {
                    writeln!(err, "error: {e}")?;
                    return Ok(exit::ERROR);
                }
            }
        }
    };
    if args.timings {
        let done = started.elapsed();
        writeln!(
            err,
            "{:>8.1} ms  check\n{:>8.1} ms  pages, written\n{:>8.1} ms  in all",
            checked.as_secs_f64() * 1000.0,
            (done - checked).as_secs_f64() * 1000.0,
            done.as_secs_f64() * 1000.0
        )?;
    }
    let entities = pages.saturating_sub(3);
    writeln!(
        out,
        "site of {} {} written to {place} ({written} file{}); {}",
        crate::diagnostic::thousands(entities),
        if entities == 1 { "entity" } else { "entities" },
        if written == 1 { "" } else { "s" },
        crate::report::summary_line(&outcome.summary)
    )?;
    let code = if outcome.failed() {
        exit::FINDINGS
    } else {
        exit::OK
    };
    std::mem::forget(outcome);
    Ok(code)
}
