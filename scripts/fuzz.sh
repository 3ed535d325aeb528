#!/usr/bin/env bash
# Builds the libFuzzer targets (-sanitize=fuzzer,address) and runs each for a while.
#   scripts/fuzz.sh [SECONDS] [TARGET ...]     default: 600 seconds, every target
# Seeds come from Corpus/ and ../shared/conformance; the growing corpus lives in
# .build-fuzz/corpus/TARGET (not committed). A crash leaves its input in
# fuzz-artifacts/TARGET/ and fails the run: copy it to Fuzz/regressions/TARGET/ so the
# tests replay it forever after.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-600}
shift || true
all_targets=(fuzz-json fuzz-sse)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
shared=${SLATE_SHARED:-../shared}

seeds_for() {
  case "$1" in
    fuzz-json) echo "$shared/conformance/json/test_parsing Fuzz/regressions/fuzz-json" ;;
    fuzz-sse) echo "$shared/corpus-real/openai-chat $shared/corpus-real/anthropic $shared/corpus-real/gemini Fuzz/regressions/fuzz-sse" ;;
    *) echo "Fuzz/regressions/$1" ;;
  esac
}

status=0
for target in "${targets[@]}"; do
  swift build --product "$target" --scratch-path .build-fuzz \
    --sanitize fuzzer --sanitize address -Xswiftc -DFUZZING 2>&1 | grep -E "error|warning: unre|Compiling|Build" | tail -2
  corpus=.build-fuzz/corpus/$target
  artifacts=fuzz-artifacts/$target
  mkdir -p "$corpus" "$artifacts"
  seed_dirs=()
  for dir in $(seeds_for "$target"); do [ -d "$dir" ] && seed_dirs+=("$dir"); done
  echo "fuzz: $target for ${seconds}s (seeds: ${seed_dirs[*]:-none})"
  if SWIFT_BACKTRACE=enable=no ".build-fuzz/debug/$target" -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "${seed_dirs[@]}" \
      > "$artifacts/last-run.log" 2>&1; then
    grep -E "stat::number_of_executed_units|Done [0-9]+ runs" "$artifacts/last-run.log" | tail -2 | sed "s/^/fuzz: $target: /"
  else
    echo "fuzz: $target FOUND A CRASH (see $artifacts/):"
    grep -E "ERROR|Precondition|Fatal|SUMMARY|Test unit written" "$artifacts/last-run.log" | head -10
    status=1
  fi
done
exit $status
