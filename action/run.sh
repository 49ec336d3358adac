#!/usr/bin/env bash
# Runs catalint as the GitHub Action (action.yml) does: findings as annotations on the run and
# the pull request (`--format github`), failing at the chosen severity; optionally the same
# findings as SARIF for code scanning. tests/action.rs runs it too.
#
# Environment:
#   CATALINT_PATHS    files and folders, separated by whitespace (default: none, so catalint
#                     checks the config's `include` or the current folder)
#   CATALINT_FAIL_ON  error | warning | never (default: error)
#   CATALINT_SARIF    true | false: also write SARIF (default: false)
#   CATALINT_SARIF_FILE  where (default: catalint.sarif)
#   CATALINT_ARGS     more arguments for `catalint check`, separated by whitespace
#   CATALINT_SITE     a folder: also build the catalogue's site there (`catalint site`), with
#                     the settings options of CATALINT_ARGS (--config, --policy, --no-config)
#   CATALINT_SITE_ARGS  more arguments for `catalint site`, separated by whitespace, e.g.
#                     `--repository https://github.com/acme/catalogue/blob/main`
set -euo pipefail

read -r -a paths <<<"${CATALINT_PATHS:-}"
read -r -a extra <<<"${CATALINT_ARGS:-}"
fail_on=${CATALINT_FAIL_ON:-error}
case "$fail_on" in
  error | warning | never) ;;
  *)
    echo "::error title=catalint::fail-on must be error, warning or never, not '$fail_on'"
    exit 2
    ;;
esac

# The settings options decide what the catalogue is, so the site is built with the same ones
# as the check; the others (--rule, --baseline, formats) are check's own.
settings=()
for ((i = 0; i < ${#extra[@]}; i++)); do
  case "${extra[i]}" in
    --config | --policy)
      settings+=("${extra[i]}")
      if ((i + 1 < ${#extra[@]})); then
        i=$((i + 1))
        settings+=("${extra[i]}")
      fi
      ;;
    --config=* | --policy=* | --no-config) settings+=("${extra[i]}") ;;
  esac
done
read -r -a site_extra <<<"${CATALINT_SITE_ARGS:-}"

status=0
if [[ ${CATALINT_SARIF:-false} == true ]]; then
  sarif=${CATALINT_SARIF_FILE:-catalint.sarif}
  # Written whatever the findings (the gate is the run below); exit 2 (the run could not be
  # done) still stops here.
  catalint check --format sarif --output-file "$sarif" --fail-on never ${extra[@]+"${extra[@]}"} ${paths[@]+"${paths[@]}"}
fi
if [[ -n ${CATALINT_SITE:-} ]]; then
  # Built whatever the findings (they are on its pages; the gate is the run below).
  catalint site --out "$CATALINT_SITE" --fail-on never ${settings[@]+"${settings[@]}"} \
    ${site_extra[@]+"${site_extra[@]}"} ${paths[@]+"${paths[@]}"}
fi
catalint check --format github --fail-on "$fail_on" ${extra[@]+"${extra[@]}"} ${paths[@]+"${paths[@]}"} || status=$?
exit "$status"
