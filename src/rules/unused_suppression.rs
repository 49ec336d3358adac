//! `unused-suppression`: found when applying suppressions ([`crate::suppress`]).

use super::{RuleMeta, Stage, documented_rule};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    id: "unused-suppression",
    default_severity: Severity::Warning,
    stage: Stage::Suppressions,
    summary: "every suppression comment suppresses a finding",
    doc: r#"## What it checks
That each rule named in a `# catalint-disable-next-line` comment has a finding on the next
line that is not blank or a comment, and each rule named in `# catalint-disable-file` has a
finding in the file. Suppressions of rules turned off in the config or policy are not reported.

## Why it matters
A suppression outlives its reason: once the problem is fixed, a stale comment would silently
hide the next, unrelated problem of the same rule on that line.

## Example
```yaml
spec:
  # catalint-disable-next-line agreement-type -- legacy contract
  facing: supporting
  serviceLevels: {agreement: OLA}
```

Instead:

```yaml
spec:
  facing: supporting
  serviceLevels: {agreement: OLA}
```

## How to fix
Remove the comment, or move it above the line that holds the finding.

`catalint check --fix` removes the unused rule from the comment's list, or the whole comment
line when nothing in it suppresses anything (a safe fix).
"#,
};

documented_rule!(UnusedSuppression, META);
