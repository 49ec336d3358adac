#!/usr/bin/env bash
# Whole-process timings of catalint against schema-only validators on the same generated
# catalogue and the same JSON Schema, with hyperfine. Not part of CI; see docs/src/performance.md.
#
#   bash benches/compare.sh            # every row of the Performance page's table
#   BIG=0 bash benches/compare.sh      # without the 100,000-service catalogue (2 minutes less)
#
# Needs: hyperfine (apt-get install hyperfine), and for the peers, whichever are installed:
#   boon (cargo install boon-cli), ajv (npm install -g ajv-cli ajv-formats),
#   check-jsonschema (pip install check-jsonschema). Missing peers are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

SERVICES=${SERVICES:-10000}
PRODUCTS=${PRODUCTS:-2000}
RUNS=${RUNS:-5}
BIG=${BIG:-1}
# Peers to leave out, e.g. SKIP="check-jsonschema" (it takes most of a minute per run).
SKIP=${SKIP:-}
have() { command -v "$1" >/dev/null && [[ " $SKIP " != *" $1 "* ]]; }
WORK=${WORK:-$(mktemp -d)}
echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"

# The `dist` profile: the binary that release archives and wheels ship (PROFILE=release for the
# quicker-to-build one that `cargo install` gives).
PROFILE=${PROFILE:-dist}
cargo build --profile "$PROFILE" --quiet --bin catalint --example gen-catalogue
CATALINT=target/$PROFILE/catalint
GEN=target/$PROFILE/examples/gen-catalogue

echo "== generating $SERVICES services + $PRODUCTS products in $WORK"
$GEN --services "$SERVICES" --products "$PRODUCTS" --teams 2 --seed 1 --out "$WORK/clean"
$GEN --services "$SERVICES" --products "$PRODUCTS" --teams 2 --seed 7 --defect-rate 0.05 --out "$WORK/broken"

# The schema the peers validate services against: catalint's own, self-contained.
$CATALINT schema Service > "$WORK/service.schema.json"
# Peers validate one kind at a time: give them the service files (the bulk of the data).
SERVICE_FILES="$WORK/clean/services"

cmds=()
names=()
cmds+=("$CATALINT check --no-config $WORK/clean")
names+=("catalint (every rule, whole catalogue)")
if have boon; then
  cmds+=("boon -q $WORK/service.schema.json $SERVICE_FILES/*.yaml > /dev/null")
  names+=("boon (schema only, services)")
fi
if have ajv; then
  cmds+=("ajv validate --spec=draft2020 -c ajv-formats --strict=false -s $WORK/service.schema.json -d '$SERVICE_FILES/*.yaml'")
  names+=("ajv-cli (schema only, services)")
fi
if have check-jsonschema; then
  cmds+=("check-jsonschema --schemafile $WORK/service.schema.json $SERVICE_FILES/*.yaml")
  names+=("check-jsonschema (schema only, services)")
fi

args=()
for i in "${!cmds[@]}"; do
  args+=(-n "${names[$i]}" "${cmds[$i]}")
done
echo "== clean catalogue"
# Through a shell: the peers take their files as a glob.
hyperfine -i --warmup 1 --runs "$RUNS" --export-markdown "$WORK/clean.md" "${args[@]}"

echo "== 5% of files broken, JSON report"
hyperfine -N -i --warmup 1 --runs "$RUNS" "$CATALINT check --no-config --format json $WORK/broken"

echo "== one file reported inside the catalogue (pre-commit)"
printf 'include: ["**/*.yaml"]\n' > "$WORK/clean/catalint.yaml"
hyperfine -N -i --warmup 1 --runs "$RUNS" "$CATALINT check --config $WORK/clean/catalint.yaml $WORK/clean/services/svc-1.yaml"

echo "== one file of 20,000 documents with about 10,000 findings, human output"
$GEN --services 20000 --products 0 --teams 1 --seed 5 --defect-rate 0.6 --layout multi --out "$WORK/one"
hyperfine -N -i --warmup 1 --runs "$RUNS" "$CATALINT check --no-config --color never $WORK/one"
echo "findings: $("$CATALINT" check --no-config --format short "$WORK/one" | grep -cE ': (error|warning)\[' || true)"

echo "== peak memory"
/usr/bin/time -f "catalint: %e s, %M KB peak" "$CATALINT" check --no-config "$WORK/clean" >/dev/null || true

if [[ "$BIG" == 1 ]]; then
  echo "== 100,000 services + 20,000 products"
  $GEN --services 100000 --products 20000 --teams 20 --seed 1 --out "$WORK/big"
  hyperfine -N -i --warmup 1 --runs "$RUNS" "$CATALINT check --no-config $WORK/big"
  /usr/bin/time -f "catalint: %e s, %M KB peak" "$CATALINT" check --no-config "$WORK/big" >/dev/null || true
  "$CATALINT" check --no-config --timings "$WORK/big" >/dev/null || true
fi
echo "results in $WORK"
