#!/bin/sh
# Peak resident memory of `slate replay` against the length of the turn: for each N, a
# generated OpenAI Chat Completions turn of N film actions (`slate corpus generate
# --dialect openai-chat --actions N --delta-sizes 200-400`, about 360 bytes of stream per
# action) replayed into a fresh SQLite ledger, live and with --dry-run. What the README's
# replay tables are measured with; too slow for CI (1,000,000 actions take ~5 minutes of
# CPU per run).
#   scripts/replay-rss.sh [N …]     default: 100000 400000 1000000
# SLATE picks the binary (default .build/release/slate: `swift build -c release --product
# slate`); TMPDIR where the streams and ledgers go (removed at the end). Prints, per run,
# the actions, the stream's size, the peak resident memory (GNU time's %M), the CPU time
# and the report's SHA-256 (equal across builds that report the turn alike).
set -eu
cd "$(dirname "$0")/.."
slate=${SLATE:-.build/release/slate}
[ -x "$slate" ] || { echo "replay-rss.sh: no $slate (swift build -c release --product slate)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "replay-rss.sh: GNU time is not installed (apt-get install time)" >&2; exit 2; }
[ $# -gt 0 ] || set -- 100000 400000 1000000
work=$(mktemp -d "${TMPDIR:-/tmp}/slate-replay-rss-XXXXXX")
trap 'rm -rf "$work"' EXIT
printf '| actions | stream MB | mode | peak resident MB | CPU s | report SHA-256 (first 12) |\n|---:|---:|---|---:|---:|---|\n'
for n in "$@"; do
  "$slate" corpus generate --dialect openai-chat --actions "$n" --delta-sizes 200-400 > "$work/turn.sse"
  mb=$(( $(wc -c < "$work/turn.sse") >> 20 ))
  for mode in live dry-run; do
    rm -f "$work"/ledger.sqlite*
    flag=""
    [ "$mode" = dry-run ] && flag=--dry-run
    status=0
    /usr/bin/time -f '%M %U %S' -o "$work/time" "$slate" replay "$work/turn.sse" --ledger "$work/ledger.sqlite" \
      --max-actions $((n * 2)) --json $flag > "$work/report" 2>/dev/null || status=$?
    # replay exits 1 when the audit has findings (a generated turn's rejections): still a run.
    [ $status -le 1 ] || { echo "replay-rss.sh: slate replay of $n actions ($mode) exited $status" >&2; exit 1; }
    digest=$(sha256sum "$work/report" | cut -c1-12)
    tail -n 1 "$work/time" | awk -v n="$n" -v mb="$mb" -v mode="$mode" -v digest="$digest" \
      '{ printf "| %s | %s | %s | %.1f | %.0f | %s |\n", n, mb, mode, $1 / 1024, $2 + $3, digest }'
  done
done
