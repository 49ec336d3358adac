//! `unknown-kind`: found when building the index ([`crate::catalogue`]).

use super::{RuleMeta, Stage, documented_rule};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    id: crate::diagnostic::ids::UNKNOWN_KIND,
    default_severity: Severity::Error,
    stage: Stage::Schema,
    summary: "`apiVersion` and `kind` are known",
    doc: r#"## What it checks
That each document says `apiVersion: catalogue/v1` and `kind: Service`, `Product` or `Team`.
A document of unknown kind is left out of the catalogue: it is not validated and nothing can
refer to it.

## Why it matters
The kind decides which schema and which rules apply. A `kind: Servce` would otherwise be
silently skipped, and every reference to it would break.

## Example
```yaml
apiVersion: catalogue/v1
kind: Servce
```

Instead:

```yaml
apiVersion: catalogue/v1
kind: Service
```

## How to fix
Correct the spelling; the help suggests the nearest kind.

No automatic fix: `catalint check --fix` leaves this to a person.
"#,
};

documented_rule!(UnknownKind, META);
