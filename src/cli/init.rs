//! `catalint init [FOLDER]`: write a first catalint.yaml (never over an existing one); what
//! it proposes is [`crate::init`]'s.

use std::io::{self, Write};
use std::path::PathBuf;

use super::{exit, run_error};

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The repository's top folder (default: the current folder).
    pub folder: Option<PathBuf>,
}

pub(super) fn run(args: InitArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    init(args.folder.as_deref(), out, err)
}

fn init(
    folder: Option<&std::path::Path>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let folder = folder.unwrap_or(std::path::Path::new("."));
    let existing = crate::settings::config::CONFIG_NAMES
        .iter()
        .map(|name| folder.join(name))
        .find(|p| p.exists());
    if let Some(existing) = existing {
        writeln!(
            err,
            "error: {} exists already; catalint init never overwrites it (remove it first to start anew)",
            crate::paths::shown(&existing)
        )?;
        return Ok(exit::ERROR);
    }
    let proposal = match crate::init::propose(folder) {
        Ok(p) => p,
        Err(e) => return run_error(e, err, None),
    };
    let path = folder.join(crate::settings::config::CONFIG_NAMES[0]);
    // `create_new`: a config written by someone else in the meantime is not overwritten.
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut f| f.write_all(proposal.text.as_bytes()));
    if let Err(e) = written {
        writeln!(
            err,
            "error: cannot write {}: {e}",
            crate::paths::shown(&path)
        )?;
        return Ok(exit::ERROR);
    }
    out.write_all(proposal.text.as_bytes())?;
    writeln!(
        out,
        "\nwrote {} ({} catalogue file{} included); check it with `catalint check`",
        crate::paths::shown(&path),
        proposal.catalogue_files,
        if proposal.catalogue_files == 1 {
            ""
        } else {
            "s"
        }
    )?;
    Ok(exit::OK)
}
