#!/usr/bin/env bash
# Issue 22's speed target: `catalint diff` of two 10,000-service catalogues that differ in 50
# files, under twice one `check` of one side. CPU time (user + system) of each run, median of
# RUNS, measured in one go so that the ratio holds whatever the machine's load; the load is
# printed beside it. Not part of CI; see the book, "Reviewing changes".
#
#   bash benches/diff.sh            # RUNS=5 by default; WORK=DIR keeps the repository
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
PROFILE=${PROFILE:-dist}
WORK=${WORK:-$(mktemp -d)}
cargo build --profile "$PROFILE" --quiet --bin catalint --example gen-catalogue
CATALINT=$PWD/target/$PROFILE/catalint
GEN=$PWD/target/$PROFILE/examples/gen-catalogue
REPO="$WORK/repo"
g() { git -C "$REPO" -c user.name=Bench -c user.email=bench@example.org "$@"; }
if [[ ! -d "$REPO/.git" ]]; then
  "$GEN" --services 10000 --products 2000 --seed 1 --out "$REPO/catalogue" >/dev/null
  g init -q -b main && g add -A && g commit -q -m base
  g checkout -q -b feature
  # 50 services, spread over the catalogue: a lower availability target, a slower P1.
  n=0
  for i in $(seq 0 199 9999); do
    f="$REPO/catalogue/services/svc-$i.yaml"
    grep -q 'target: ' "$f" || continue
    sed -i -E '0,/target: [0-9.]+/s//target: 90/; 0,/response: 15m/s//response: 1h/' "$f"
    n=$((n + 1))
    [[ $n -eq 50 ]] && break
  done
  g commit -q -am "$n changes"
  g checkout -q main
  # The working tree: main plus the same 50 changes, uncommitted.
  g diff main feature | git -C "$REPO" apply
fi
cpu() { # the median CPU seconds (user + sys) of RUNS runs of the command
  for _ in $(seq "$RUNS"); do
    ( cd "$REPO" && /usr/bin/time -f '%U %S' "$@" >/dev/null 2>"$WORK/time.err" ) || true
    tail -n 1 "$WORK/time.err" | awk '{print $1 + $2}'
  done | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'
}
echo "== $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); 10,000 services, 2,000 products; 50 files changed; $PROFILE build; median CPU of $RUNS runs"
# The cache off: a diff checks its sides without it, and one side checked cold is the target.
check=$(cpu "$CATALINT" check catalogue --fail-on never --quiet --no-cache)
row() {
  local t
  t=$(cpu "$CATALINT" diff "$@" --format json --fail-on never)
  printf '%-46s %6.2f s  %5.2fx check\n' "diff $*" "$t" "$(python3 -c "print($t / $check)")"
}
printf '%-46s %6.2f s\n' "check" "$check"
row main feature
row main feature --no-incremental
row main
row main --no-incremental
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
