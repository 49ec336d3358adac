//! `invalid-suppression`: found when applying suppressions ([`crate::suppress`]).

use super::{RuleMeta, Stage, documented_rule};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    id: "invalid-suppression",
    default_severity: Severity::Error,
    stage: Stage::Suppressions,
    summary: "suppression comments name existing rules",
    doc: r#"## What it checks
That every `# catalint-disable-next-line RULE -- reason` and `# catalint-disable-file RULE --
reason` comment names at least one rule, and only rules that exist.

## Why it matters
A misspelt rule id suppresses nothing, so the finding it was meant to silence stays, or, worse,
the comment looks like a reviewed exception when it is not one.

## Example
```yaml
# catalint-disable-next-line agreement-typ -- reviewed with the owner
    agreement: OLA
```

Instead:

```yaml
# catalint-disable-next-line agreement-type -- reviewed with the owner
    agreement: OLA
```

## How to fix
Correct the rule id (the message suggests the nearest one), or delete the comment.

No automatic fix: `catalint check --fix` leaves this to a person.
"#,
};

documented_rule!(InvalidSuppression, META);
