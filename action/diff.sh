#!/usr/bin/env bash
# The action's `diff` step (action.yml): on a pull request, what the change does to the
# catalogue's promises (`catalint diff`), as Markdown in the job's step summary, gated by
# `diff-fail-on`. tests/action.rs runs it against real repositories.
#
# Environment:
#   CATALINT_DIFF          true | false (default: false: nothing runs)
#   CATALINT_DIFF_BASE     the revision to compare with (default: origin/<the pull request's
#                          base branch>, from GITHUB_BASE_REF)
#   CATALINT_DIFF_FAIL_ON  weakened | new-finding | never (default: never)
#   GITHUB_BASE_REF, GITHUB_STEP_SUMMARY  set by GitHub Actions
set -euo pipefail

[[ ${CATALINT_DIFF:-false} == true ]] || exit 0

fail_on=${CATALINT_DIFF_FAIL_ON:-never}
case "$fail_on" in
  weakened | new-finding | never) ;;
  *)
    echo "::error title=catalint diff::diff-fail-on must be weakened, new-finding or never, not '$fail_on'"
    exit 2
    ;;
esac

base=${CATALINT_DIFF_BASE:-}
if [[ -z $base ]]; then
  if [[ -z ${GITHUB_BASE_REF:-} ]]; then
    echo "::notice title=catalint diff::not a pull request and no diff-base given: nothing to compare with"
    exit 0
  fi
  base="origin/$GITHUB_BASE_REF"
  # actions/checkout fetches one commit by default (fetch-depth: 1): the base branch is not
  # in the clone. One commit of it is all the diff needs; when the fetch fails (no
  # credentials), catalint says what to fetch.
  if ! git rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
    git fetch --no-tags --depth=1 origin "+refs/heads/$GITHUB_BASE_REF:refs/remotes/$base" || true
  fi
fi

summary=${GITHUB_STEP_SUMMARY:-/dev/null}
report=$(mktemp)
trap 'rm -f "$report"' EXIT
status=0
catalint diff "$base" --format markdown --output-file "$report" --fail-on "$fail_on" || status=$?
if [[ $status -le 1 ]]; then
  cat "$report" >>"$summary"
fi
exit "$status"
