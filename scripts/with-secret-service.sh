#!/usr/bin/env bash
# Run a command inside a private D-Bus session with an unlocked gnome-keyring (a real Secret
# Service), in a throwaway HOME so the user's own keyring is never touched. Recipe:
# shared/specs/openpgp-and-keychain.md section 5.
set -euo pipefail
if ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
  echo "with-secret-service: dbus-run-session or gnome-keyring-daemon missing; running without a Secret Service" >&2
  exec "$@"
fi
export DISTSEAL_REAL_HOME="${HOME:-}"
KEYRING_HOME=$(mktemp -d "${TMPDIR:-/tmp}/distseal-keyring.XXXXXX")
export KEYRING_HOME
# npm keeps its cache under HOME; point it back at the real one so `npm test` stays offline-safe.
export npm_config_cache="${npm_config_cache:-${HOME:-/root}/.npm}"
inner='
  set -eu
  eval "$(printf "%s" "distseal-test-keyring" | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL GNOME_KEYRING_PID
  keyring_pid=$(pgrep -n -u "$(id -u)" gnome-keyring-d || true)
  rc=0
  "$@" || rc=$?
  [ -n "$keyring_pid" ] && kill "$keyring_pid" 2>/dev/null || true
  exit $rc
'
rc=0
HOME="$KEYRING_HOME" XDG_DATA_HOME="$KEYRING_HOME/.local/share" XDG_CACHE_HOME="$KEYRING_HOME/.cache" \
  DISTSEAL_SECRET_SERVICE=1 dbus-run-session -- sh -c "$inner" sh "$@" || rc=$?
rm -rf "$KEYRING_HOME"
exit $rc
