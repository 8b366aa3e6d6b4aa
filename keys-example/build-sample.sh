#!/usr/bin/env bash
# Rebuild keys-example/dist/ (the demo's wheel and sdist) from keys-example/sample-project/ with
# Debian's python3 -m build, offline (--no-isolation: isolation would fetch setuptools from PyPI).
# SOURCE_DATE_EPOCH keeps the archives' timestamps fixed so a rebuild is byte-stable.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export SOURCE_DATE_EPOCH=1767225600   # 2026-01-01T00:00:00Z
rm -rf "$here/dist"
/usr/bin/python3 -m build --no-isolation --outdir "$here/dist" "$here/sample-project"
# build leaves egg-info behind in the source tree; it is not part of the sample
rm -rf "$here/sample-project/src/"*.egg-info "$here/sample-project/build"
ls -l "$here/dist"
