#!/bin/sh
# The install check (issue #16): npm pack, a global install of the tarball into a clean temporary prefix, and the
# installed ecs-ops run from a directory outside the repository: --version, config check (the shipped example config)
# and simulate (a shipped scenario, packaged with osls from the installed package). Slow (npm installs the
# dependencies, osls packages the config): run by .ci/run, not by npm test. Exits non-zero on the first failure.
set -eu
ROOT=$(cd -P -- "$(dirname -- "$0")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ecs-ops-install-check.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/pack" "$WORK/prefix" "$WORK/cwd"
cd "$ROOT"
npm pack --silent --pack-destination "$WORK/pack" >/dev/null
cd "$WORK/cwd"
npm install -g --silent --no-audit --no-fund --prefix "$WORK/prefix" "$WORK"/pack/ecs-ops-*.tgz
PKG=$WORK/prefix/lib/node_modules/ecs-ops
ECS_OPS=$WORK/prefix/bin/ecs-ops
expected=$(node -p "require('$ROOT/package.json').version")
version=$("$ECS_OPS" --version)
[ "$version" = "$expected" ] || { echo "check-install: ecs-ops --version printed '$version', expected '$expected'" >&2; exit 1; }
"$ECS_OPS" config check "$PKG/ecs-ops.config.example.yml"
"$ECS_OPS" simulate "$PKG/sim/scenarios/tour.yml" --output json > "$WORK/report.json"
node -e "const r = require('$WORK/report.json'); if (!r.passed) { console.error('check-install: simulate did not pass'); process.exit(1); }"
echo "check-install: ecs-ops $version installed from the tarball: --version, config check and simulate OK"
