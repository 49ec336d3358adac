//! `catalint schema [KIND]`: a JSON Schema for editors, the policy's kinds and fields in it.

use std::io::{self, Write};

use super::{SettingsArgs, exit, run_error};
use crate::schema;

#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// Service, Product, Team, a kind the policy declares, Policy or Config.
    pub kind: Option<String>,
    #[command(flatten)]
    pub settings: SettingsArgs,
}

pub(super) fn run(args: SchemaArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    match args.settings.load() {
        Ok(policy) => print_schema(args.kind.as_deref(), &policy, out, err),
        Err(e) => run_error(e, err, None),
    }
}

fn print_schema(
    kind: Option<&str>,
    policy: &crate::policy::Policy,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let schema = match kind {
        None => schema::catalogue_schema(&policy.schemas),
        Some(k) => match schema::by_name(k, &policy.schemas) {
            Some(s) => s,
            None => {
                let names: Vec<&str> = policy
                    .kinds
                    .all()
                    .map(crate::catalogue::Kind::as_str)
                    .chain(["Policy", "Config"])
                    .collect();
                writeln!(
                    err,
                    "error: unknown schema `{k}`; choose one of {}",
                    names.join(", ")
                )?;
                return Ok(exit::ERROR);
            }
        },
    };
    serde_json::to_writer_pretty(&mut *out, &schema).map_err(io::Error::from)?;
    writeln!(out)?;
    Ok(exit::OK)
}
