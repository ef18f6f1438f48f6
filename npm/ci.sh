#!/bin/sh
# The npm build, checked: builds npm/dist twice (identical, or it fails),
# runs the test suite on Node.js against the build, then installs the packed
# package into a fresh directory and runs the smoke programs (ES module and
# CommonJS) and a strict tsc over a consumer file.
#
#   npm/ci.sh
#
# Then runs the same built suite on Bun (npx -y bun@BUN_VERSION, nothing
# else installed).
#
# Prints three parseable lines (and exits non-zero when anything failed):
#   node tests: P passed, F failed, S skipped
#   bun tests: P passed, F failed, S skipped
#   npm smoke: P passed, F failed
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DENO=${DENO:-deno}
status=0

"$DENO" run -A --no-lock npm/build.ts --verify || exit 1

# ------------------------------------------------------------ Node tests
TAP=$(mktemp)
(
  cd npm/dist/test &&
    node --import ./deno.js --test \
      --test-reporter=spec --test-reporter-destination=stdout \
      --test-reporter=tap --test-reporter-destination="$TAP" \
      $(node -p "require('./entries.json').join(' ')")
) || status=1
count() { sed -n "s/^# $1 \([0-9][0-9]*\)\$/\1/p" "$TAP" | tail -1; }
pass=$(count pass)
fail=$(count fail)
cancelled=$(count cancelled)
skipped=$(count skipped)
rm -f "$TAP"
fail=$((${fail:-0} + ${cancelled:-0}))
echo "node tests: ${pass:-0} passed, $fail failed, ${skipped:-0} skipped"
[ "$fail" -eq 0 ] || status=1

# ------------------------------------------------------------- Bun tests
# Bun runs node:test files only under its own runner (`bun test`, whose
# node:test is built on bun:test), and loads the shim with --preload. One
# process per file, as node --test runs them. The load test runs smaller
# here (it runs in full on Deno and on Node.js above), to keep this step
# within a few minutes.
BUN_VERSION=1.4.5
BUN=$(npx -y "bun@$BUN_VERSION" -e 'console.log(process.execPath)' | tail -n 1)
bpass=0
bfail=0
bskip=0
if [ -x "$BUN" ]; then
  for f in $(cd npm/dist/test && node -p "require('./entries.json').join(' ')"); do
    out=$(mktemp)
    (
      cd npm/dist/test &&
        RELIABILITY_CLIENTS=200 RELIABILITY_MESSAGES=200 \
          "$BUN" test --preload ./deno.js --timeout 600000 "./$f"
    ) >"$out" 2>&1
    rc=$?
    cat "$out"
    tally() { sed -n "s/^ *\([0-9][0-9]*\) $1\$/\1/p" "$out" | tail -1; }
    p=$(tally pass)
    f_=$(tally fail)
    s_=$(tally skip)
    rm -f "$out"
    # A file that failed without a summary (it crashed) counts as a failure.
    if [ "$rc" -ne 0 ] && [ "${f_:-0}" -eq 0 ]; then f_=1; fi
    bpass=$((bpass + ${p:-0}))
    bfail=$((bfail + ${f_:-0}))
    bskip=$((bskip + ${s_:-0}))
  done
else
  echo "bun: npx could not provide bun@$BUN_VERSION"
  bfail=1
fi
echo "bun $BUN_VERSION: $BUN"
echo "bun tests: $bpass passed, $bfail failed, $bskip skipped"
[ "$bfail" -eq 0 ] || status=1

# ------------------------------------------------------------ smoke test
SMOKE=$(mktemp -d)
spass=0
sfail=0
check() {
  name=$1
  shift
  if "$@"; then
    spass=$((spass + 1))
  else
    sfail=$((sfail + 1))
    echo "npm smoke: FAILED $name"
  fi
}
(cd npm/dist && npm pack --silent --pack-destination "$SMOKE" >/dev/null) ||
  sfail=$((sfail + 1))
# Kept as *.in in the repository, so that deno check and lint skip them.
for f in roundtrip.mjs roundtrip.cjs dual.mjs consumer.ts; do
  cp "npm/smoke/$f.in" "$SMOKE/$f"
done
cp npm/smoke/tsconfig.json "$SMOKE/"
(
  cd "$SMOKE" &&
    printf '{ "name": "pysocket-smoke", "private": true }\n' >package.json &&
    npm install --silent --no-audit --no-fund --prefer-offline \
      ./pysocket-*.tgz typescript@5.9.3 @types/node@20.19.43
) || sfail=$((sfail + 1))
check "ES module round trips" sh -c "cd '$SMOKE' && node roundtrip.mjs"
check "CommonJS round trips" sh -c "cd '$SMOKE' && node roundtrip.cjs"
check "import and require share one state" \
  sh -c "cd '$SMOKE' && node dual.mjs"
check "tsc --noEmit (strict) over a consumer" \
  sh -c "cd '$SMOKE' && node node_modules/typescript/bin/tsc -p tsconfig.json"
rm -rf "$SMOKE"
echo "npm smoke: $spass passed, $sfail failed"
[ "$sfail" -eq 0 ] || status=1
cd "$ROOT"
exit $status
