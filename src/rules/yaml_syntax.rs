//! `yaml-syntax`: found by the loader ([`crate::load`]).

use super::{RuleMeta, Stage, documented_rule};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    id: crate::diagnostic::ids::YAML_SYNTAX,
    default_severity: Severity::Error,
    stage: Stage::Load,
    summary: "the file is valid YAML",
    doc: r#"## What it checks
That each file parses as YAML 1.2. The finding points at the line and column where the
parser gave up, with its reason. Documents before the error in the same file are still
checked; the document with the error and those after it are not.

## Why it matters
A file that does not parse cannot be checked at all: every promise it makes is invisible to
the catalogue, and other tools (and people) may read it differently.

## Example
```yaml
spec:
  owner: {team: hr-systems, serviceOwner: jane.doe@example.org
  facing: customer-facing
```

Instead:

```yaml
spec:
  owner: {team: hr-systems, serviceOwner: jane.doe@example.org}
  facing: customer-facing
```

## How to fix
Go to the line and column given. The usual causes: a bracket or quote never closed, a value
holding `: ` that needs quotes, a line indented differently from its neighbours, a tab used
for indentation.

No automatic fix: `catalint check --fix` leaves this to a person.
"#,
};

documented_rule!(YamlSyntax, META);
