#!/usr/bin/env bash
# Commands are kept in strings, as hyperfine takes them: split on purpose.
# shellcheck disable=SC2086
# The on-disk cache's targets (issue 24, part 3), whole-process with hyperfine, on the issue's
# catalogue shape (20,850 generated files): a second `check` with nothing changed, one file
# changed, pre-commit of one staged file; beside the uncached check of the same catalogue.
# Not part of CI; benches/compare.sh can call it. See docs/src/cache.md.
#
#   bash benches/cache.sh                 # dist build (PROFILE=release for the quicker one)
#   CATALINT=target/release/catalint GEN=target/release/examples/gen-catalogue bash benches/cache.sh
#   GEN_ARGS="--services 22400 --products 840 --teams 10 --seed 1" bash benches/cache.sh  # 23,250 files
set -euo pipefail
cd "$(dirname "$0")/.."

PROFILE=${PROFILE:-dist}
RUNS=${RUNS:-10}
GEN_ARGS=${GEN_ARGS:---services 20000 --products 840 --teams 10 --seed 1}
if [[ -z "${CATALINT:-}" || -z "${GEN:-}" ]]; then
  cargo build --profile "$PROFILE" --quiet --bin catalint --example gen-catalogue
  CATALINT=target/$PROFILE/catalint
  GEN=target/$PROFILE/examples/gen-catalogue
fi
WORK=${WORK:-$(mktemp -d)}
CAT="$WORK/catalogue"
CACHE="$WORK/cache"
[[ -d "$CAT" ]] || $GEN $GEN_ARGS --out "$CAT" >/dev/null
echo "== $(find "$CAT" -name '*.yaml' | wc -l) files, $(du -sh --apparent-size "$CAT" | cut -f1), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

ONE="$CAT/services/svc-5.yaml"
cp "$ONE" "$WORK/svc-5.orig"
# Flips one file between two texts before each run, so every timed run sees one file changed
# since the snapshot the run before it wrote.
cat > "$WORK/flip.sh" <<EOF
#!/usr/bin/env bash
if cmp -s "$ONE" "$WORK/svc-5.orig"; then
  sed -i 's/^  description: .*/  description: changed for the cache benchmark/' "$ONE"
else
  cp "$WORK/svc-5.orig" "$ONE"
fi
EOF
chmod +x "$WORK/flip.sh"
printf 'include: ["**/*.yaml"]\n' > "$CAT/catalint.yaml"

check="$CATALINT check --no-config --cache-dir $CACHE $CAT"
# Each row its own hyperfine: --prepare applies to every command of one invocation.
bench() { hyperfine -N -i --warmup 2 --runs "$RUNS" --export-markdown "$WORK/$1.md" "${@:2}"; }
bench uncached -n "uncached check (--no-cache)" "$CATALINT check --no-config --no-cache $CAT"
bench unchanged -n "second check, nothing changed (target < 0.25 s)" "$check"
bench one-changed -n "one file changed (target < 0.3 s)" --prepare "$WORK/flip.sh" "$check"
bench pre-commit -n "pre-commit of one staged file (target < 0.3 s)" --prepare "$WORK/flip.sh" \
  "$CATALINT check --config $CAT/catalint.yaml --cache-dir $CACHE $ONE"
cp "$WORK/svc-5.orig" "$ONE"
# The runs above left a snapshot of other settings (pre-commit names a config): write this one.
$check >/dev/null || true
echo "== where the time goes (nothing changed)"
$check --timings 2>&1 | tail -8
echo "== CPU (user + sys) of one run with nothing changed (target < 0.25 s)"
/usr/bin/time -f "%e s wall, %U s user, %S s sys, %M KB peak" $check >/dev/null
echo "== CPU (user + sys) of one run with one file changed (target < 0.3 s)"
"$WORK/flip.sh"
/usr/bin/time -f "%e s wall, %U s user, %S s sys, %M KB peak" $check >/dev/null
echo "== where the time goes (one file changed)"
"$WORK/flip.sh"
$check --timings 2>&1 | tail -11
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
