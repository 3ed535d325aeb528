#!/bin/sh
# Compares Slate's validator with Python's jsonschema (pinned below) on a few hundred
# generated instances: verdicts and (instancePath, keyword) pairs. Exit 1 on a difference.
# The virtual environment lives under .build/ (never committed). See scripts/schema-compare.py.
set -eu
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
JSONSCHEMA_VERSION=4.26.0
VENV=.build/schema-compare-venv
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('jsonschema') != '$JSONSCHEMA_VERSION')" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "jsonschema==$JSONSCHEMA_VERSION"
fi
$SWIFT build --product slate >/dev/null
exec "$VENV/bin/python" scripts/schema-compare.py --slate .build/debug/slate --work .build/schema-compare "$@"
