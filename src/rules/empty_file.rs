//! `empty-file`: found when loading ([`crate::engine`]).

use super::{RuleMeta, Stage, documented_rule};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    id: crate::diagnostic::ids::EMPTY_FILE,
    default_severity: Severity::Warning,
    stage: Stage::Load,
    summary: "a catalogue file holds at least one document",
    doc: r#"## What it checks
That each catalogue file defines at least one entity: a file that is empty, or holds only
comments or empty documents, is reported.

## Why it matters
An empty file in the catalogue is usually a mistake: a definition that was meant to be
written, or one whose content was lost in a merge.

## Example
```yaml
# payroll service: TODO
```

Instead:

```yaml
apiVersion: catalogue/v1
kind: Service
metadata: {id: payroll, name: Payroll}
spec: {}
```

## How to fix
Write the entity, or delete the file.

No automatic fix: `catalint check --fix` leaves this to a person.
"#,
};

documented_rule!(EmptyFile, META);
