#!/usr/bin/env bash
# A quick check that distseal builds and runs on the `node` first on PATH (.ci/run calls it once
# per supported Node line): build both outputs, --version and --help from bin, the bundle's own
# tests, then the demo's sign + verify round trip on keys-example (a good signature verifies, a
# tampered file fails).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
echo "smoke: node $(node --version)"
npm run build --silent
[ -f dist/cli/distseal.mjs ] || { echo "smoke: the bundle dist/cli/distseal.mjs was not built" >&2; exit 1; }
want="$(node -p 'require("./package.json").version')"
got="$(node bin/distseal.js --version)"
[ "$got" = "$want" ] || { echo "smoke: --version printed '$got', expected '$want'" >&2; exit 1; }
got="$(node bin/distseal.js verify --version)" # through yargs and the bundle
[ "$got" = "$want" ] || { echo "smoke: verify --version printed '$got', expected '$want'" >&2; exit 1; }
node bin/distseal.js --help | grep -q 'distseal verify' || { echo "smoke: --help lacks the commands" >&2; exit 1; }
# The bundle against the tsc build (help, errors, messages) and bin's own fast paths.
npx ava dist/test/cli/bundle.test.js dist/test/cli/startup.test.js
if ! out="$(bash scripts/demo.sh 2>&1)"; then
  printf '%s\n' "$out" >&2
  echo "smoke: the demo's sign + verify round trip failed" >&2
  exit 1
fi
echo "smoke: ok on node $(node --version)"
