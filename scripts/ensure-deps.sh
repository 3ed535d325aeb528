#!/usr/bin/env bash
# Installs the system packages Slate needs (Debian/Ubuntu), or, when not root, prints the
# exact command and fails. Idempotent; quiet when everything is present.
set -euo pipefail

missing=()
[ -f /usr/include/simdjson.h ] || missing+=(libsimdjson-dev)
[ -f /usr/include/sqlite3.h ] || missing+=(libsqlite3-dev)
for extra in "$@"; do
  dpkg -s "$extra" >/dev/null 2>&1 || missing+=("$extra")
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ]; then
  echo "ensure-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq "${missing[@]}" >&2
else
  echo "ensure-deps: missing system packages: ${missing[*]}" >&2
  echo "run: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
