#!/usr/bin/env bash
# distseal's main job, end to end, on keys-example/ (a THROWAWAY key) in throwaway homes:
#   maintainer: import the example key, list it, export its public key, sign a real wheel + sdist
#   consumer:   trust that public key (pinned to the project), verify them (exit 0),
#               then verify a tampered copy (exit 3).
# Never touches your own distseal home, keys or ~/.gnupg. Needs only node (run `npm run demo`,
# which builds first). Exits 0 when every step behaved as shown.
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
example="$root/keys-example"
ds() { node "$root/bin/distseal.js" "$@"; }

work="$(mktemp -d "${TMPDIR:-/tmp}/distseal-demo.XXXXXX")"
trap 'rm -rf "$work"' EXIT
maintainer_home="$work/maintainer-home"
consumer_home="$work/consumer-home"
mkdir -p "$work/dist" "$work/tampered"
# No prompts, no inherited settings: the demo must not pick up a real home or passphrase.
unset DISTSEAL_HOME DISTSEAL_PASSPHRASE
export DISTSEAL_NO_INTERACTIVE=1

failures=0
if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }
show() { printf '$ distseal %s\n' "$*" | sed "s|$work|\$DEMO|g"; }
expect() { # expect CODE what...; runs distseal, prints its exit code, counts surprises
  local want="$1"; shift
  show "$@"
  ds "$@"
  local got=$?
  printf '   -> exit code %s (expected %s)\n' "$got" "$want"
  [ "$got" = "$want" ] || failures=$((failures + 1))
}

# The passphrase is public on purpose (keys-example/README.md); it goes in a 0600 file, never argv.
passphrase="$(sed -n 's/^Passphrase: `\(.*\)`$/\1/p' "$example/README.md")"
fingerprint="$(sed -n 's/^Fingerprint: `\([0-9A-F]*\)`$/\1/p' "$example/README.md")"
umask 077
printf '%s\n' "$passphrase" > "$work/passphrase"
umask 022
cp "$example"/dist/*.whl "$example"/dist/*.tar.gz "$work/dist/"
# Work inside the throwaway directory so every path printed below is short and relative.
cd "$work" || exit 1
wheel="$(ls dist/*.whl)"
sdist="$(ls dist/*.tar.gz)"

step "Maintainer: import the example secret key into a throwaway home"
expect 0 --home "$maintainer_home" keys import "$example/example-secret.asc"
expect 0 --home "$maintainer_home" keys list
expect 0 --home "$maintainer_home" keys export "$fingerprint" -o maintainer.asc

step "Maintainer: sign the wheel and the sdist (one unlock; FILE.asc beside each)"
expect 0 --home "$maintainer_home" sign "$wheel" "$sdist" --passphrase-file passphrase
ls -1 dist | sed 's/^/   dist\//' 

step "Consumer: trust the maintainer's public key for this project only (another throwaway home)"
expect 0 --home "$consumer_home" trust add maintainer.asc --for distseal-example

step "Consumer: verify the downloads"
expect 0 --home "$consumer_home" verify "$wheel" "$sdist"

step "Consumer: a tampered wheel (one byte appended) must fail"
cp "$wheel" "$wheel.asc" tampered/
printf 'x' >> "tampered/$(basename "$wheel")"
expect 3 --home "$consumer_home" verify "tampered/$(basename "$wheel")"

step "Result"
if [ "$failures" -eq 0 ]; then
  echo "Every step behaved as expected: good signatures verify (exit 0), the tampered copy fails (exit 3)."
else
  echo "$failures step(s) did not give the expected exit code." >&2
  exit 1
fi
