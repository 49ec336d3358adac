//! `unreadable-file`: found by discovery and reading ([`crate::discover`]).

use super::{RuleMeta, Stage, documented_rule};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    id: crate::diagnostic::ids::UNREADABLE_FILE,
    default_severity: Severity::Error,
    stage: Stage::Load,
    summary: "every catalogue file can be read as UTF-8 text",
    doc: r#"## What it checks
That each catalogue file can be opened and read, and is UTF-8 text: not binary, not UTF-16,
with no NUL bytes. Permission errors, symlink loops and invalid bytes are reported with the
file and, where there is one, the byte offset.

## Why it matters
A file that cannot be read is a file that is not checked. Passing silently would let any
unreadable file through the gate.

## Example
A file saved as UTF-16 by an editor, or a `services/` entry that is a dangling symlink.

Instead: a UTF-8 text file.

## How to fix
Re-save the file as UTF-8, fix its permissions, or remove the broken link.

No automatic fix: `catalint check --fix` leaves this to a person.
"#,
};

documented_rule!(UnreadableFile, META);
