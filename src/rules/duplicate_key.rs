//! `duplicate-key`: found by the loader ([`crate::load`]).

use super::{RuleMeta, Stage, documented_rule};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    id: crate::diagnostic::ids::DUPLICATE_KEY,
    default_severity: Severity::Error,
    stage: Stage::Load,
    summary: "no mapping repeats a key",
    doc: r#"## What it checks
That no mapping names the same key twice. The finding is on the second key, with the first
one as a related place. catalint keeps the first value and ignores the second.

## Why it matters
YAML parsers disagree on duplicates: some keep the last value, some the first, some fail.
A second `category:` added lower down silently changes what the service promises for one
tool and not for another.

## Example
```yaml
spec:
  category: business
  facing: customer-facing
  category: application
```

Instead:

```yaml
spec:
  category: business
  facing: customer-facing
```

## How to fix
Keep the entry you mean and delete the other.

No automatic fix: only a person knows which of the two entries is meant, and removing either
silently loses data.
"#,
};

documented_rule!(DuplicateKey, META);
