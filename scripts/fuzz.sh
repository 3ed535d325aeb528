#!/usr/bin/env bash
# Builds the libFuzzer targets (release, -sanitize=fuzzer,address) and runs each for a while.
#   scripts/fuzz.sh [SECONDS] [TARGET ...]     default: 600 seconds, every target
# Seeds come from Corpus/ and ../shared (conformance suites, real recordings); targets whose
# input starts with a control header get seeds written with that header into
# .build-fuzz/seeds/TARGET (see Fuzz/README.md for each layout). The growing corpus lives in
# .build-fuzz/corpus/TARGET (not committed). A crash leaves its input in
# fuzz-artifacts/TARGET/ and fails the run: copy it to Fuzz/regressions/TARGET/ so the
# tests replay it forever after.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-600}
shift || true
all_targets=(fuzz-json fuzz-sse fuzz-framer fuzz-dialect fuzz-schema)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
shared=${SLATE_SHARED:-../shared}
dialects=(openai-chat openai-responses anthropic gemini)

# Writes FILE's bytes after the header given as printf octal escapes.
with_header() { { printf "$1"; cat "$2"; } > "$3"; }

# fuzz-framer: header byte 0 = framing | chunk-size index 2 << 5, byte 1 = seed 0.
framer_seeds() {
  local out=$1 f name
  for f in "$shared"/conformance/json/test_parsing/*.json; do
    [ -f "$f" ] || continue
    name=$(basename "$f" .json)
    with_header '\103\000' "$f" "$out/value-$name"                                   # value
    [[ $name == y_* ]] && with_header '\100\000' "$f" "$out/auto-$name"              # auto
  done
  with_header '\101\000' Corpus/text/film-turn-array.sse "$out/array-film-turn"      # array
  with_header '\121\000' Corpus/text/film-turn-array.sse "$out/array-announce-film"  # array, key rule
  with_header '\102\000' Corpus/schemas/film-actions.jsonl "$out/sequence-film"      # sequence
  { printf '\104\000{"actions":'; cat Corpus/text/film-turn-array.sse; printf '}'; } > "$out/field-film-turn"
}

# fuzz-dialect: control byte = the dialect (0-3; 4 is auto), flushing at EOF.
dialect_seeds() {
  local out=$1 i f
  for i in "${!dialects[@]}"; do
    for f in "$shared/corpus-real/${dialects[$i]}"/*.sse; do
      [ -f "$f" ] || continue
      with_header "\\00$i" "$f" "$out/${dialects[$i]}-$(basename "$f" .sse)"
      with_header '\004' "$f" "$out/auto-$(basename "$f" .sse)"
    done
  done
}

# fuzz-schema: SCHEMA NUL INSTANCE, one per test of the JSON-Schema-Test-Suite; the film
# actions alone (schema and instance at once) and after the film pack.
schema_seeds() {
  local out=$1
  if command -v python3 > /dev/null && [ -d "$shared/conformance/json-schema/draft2020-12" ]; then
    python3 - "$shared/conformance/json-schema/draft2020-12" "$out" <<'PY'
import json, os, sys
source, out = sys.argv[1], sys.argv[2]
for name in sorted(os.listdir(source)):
    if not name.endswith(".json"):
        continue
    with open(os.path.join(source, name), encoding="utf-8") as f:
        cases = json.load(f)
    for c, case in enumerate(cases):
        schema = json.dumps(case["schema"], ensure_ascii=False, separators=(",", ":"))
        for t, test in enumerate(case["tests"]):
            data = json.dumps(test["data"], ensure_ascii=False, separators=(",", ":"))
            with open(os.path.join(out, f"{name[:-5]}-{c}-{t}"), "wb") as seed:
                seed.write(schema.encode() + b"\0" + data.encode())
PY
  else
    echo "fuzz: no python3 or no JSON-Schema-Test-Suite: fuzz-schema starts from the film actions only"
  fi
  local n=0 line
  while IFS= read -r line; do
    n=$((n + 1))
    printf '%s' "$line" > "$out/film-action-$n"
    { cat Corpus/schemas/film.json; printf '\000%s' "$line"; } > "$out/film-pack-action-$n"
  done < Corpus/schemas/film-actions.jsonl
}

seeds_for() {
  local generated=.build-fuzz/seeds/$1
  case "$1" in
    fuzz-json) echo "$shared/conformance/json/test_parsing Fuzz/regressions/fuzz-json" ;;
    fuzz-sse) echo "${dialects[*]/#/$shared/corpus-real/} Fuzz/regressions/fuzz-sse" ;;
    fuzz-framer | fuzz-dialect | fuzz-schema)
      rm -rf "$generated" && mkdir -p "$generated"
      "${1#fuzz-}_seeds" "$generated" >&2
      echo "$generated Fuzz/regressions/$1" ;;
    *) echo "Fuzz/regressions/$1" ;;
  esac
}

# Longest input libFuzzer builds; a larger seed is cut to it. Default: the largest seed.
max_len_for() {
  case "$1" in
    fuzz-framer) echo "-max_len=8192" ;;
    fuzz-schema) echo "-max_len=16384" ;;
    fuzz-dialect) echo "-max_len=32768" ;;
  esac
}

# Release builds run the checks 10-15 times faster than debug ones (fuzz-dialect: 617
# against 41 executions a second); their preconditions still trap, without a message:
# replay a crash with a plain debug build to read it (printed below).
# swiftc keeps only its last -sanitize= flag, and SwiftPM passes `--sanitize fuzzer
# --sanitize address` as two flags in no fixed order: Swift code got either coverage or
# ASan. The -Xswiftc flag comes last and asks for both; SwiftPM's own flags still make it
# link libFuzzer's main and instrument the C++ shim.
# A crash's input is only in the machine that found it: print what a reader of a CI log
# needs to reproduce it (the input itself when small, whether it crashes again alone in a
# fresh process, and the violated property from a debug build, which keeps the message).
report_crash() {
  local target=$1 artifacts=$2 crash
  crash=$(ls -t "$artifacts"/crash-* "$artifacts"/deadly-signal-* 2>/dev/null | head -1) || true
  [ -n "$crash" ] || return 0
  if [ "$(wc -c < "$crash")" -le 16384 ]; then
    echo "fuzz: the input, base64 (decode into a file and replay it):"
    base64 -w 100 "$crash"
  fi
  if SWIFT_BACKTRACE=enable=no ".build-fuzz/release/$target" -runs=1 "$crash" > "$artifacts/alone.log" 2>&1; then
    echo "fuzz: alone in a fresh process the input does NOT crash: the failure depends on the inputs run before it"
  else
    echo "fuzz: alone in a fresh process the input crashes again"
  fi
  echo "fuzz: replaying it with a debug build (the property's message):"
  if swift build --product "$target" > "$artifacts/debug-build.log" 2>&1; then
    SWIFT_BACKTRACE=enable=no ".build/debug/$target" "$crash" 2>&1 | grep -E "Precondition|Fatal|failed|error" | head -5 || true
  else
    echo "fuzz: the debug build failed (see $artifacts/debug-build.log)"
  fi
  echo "fuzz: to read the violated property: swift build --product $target && .build/debug/$target $crash"
}

status=0
for target in "${targets[@]}"; do
  swift build -c release --product "$target" --scratch-path .build-fuzz --sanitize fuzzer --sanitize address \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING 2>&1 | grep -E "error|warning: unre|Compiling|Build" | tail -2
  corpus=.build-fuzz/corpus/$target
  artifacts=fuzz-artifacts/$target
  mkdir -p "$corpus" "$artifacts"
  seed_dirs=()
  for dir in $(seeds_for "$target"); do [ -d "$dir" ] && seed_dirs+=("$dir"); done
  echo "fuzz: $target for ${seconds}s (seeds: ${seed_dirs[*]:-none})"
  if SWIFT_BACKTRACE=enable=no ".build-fuzz/release/$target" -max_total_time="$seconds" -timeout=10 $(max_len_for "$target") \
      -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "${seed_dirs[@]}" \
      > "$artifacts/last-run.log" 2>&1; then
    grep -E "inline 8-bit counters|stat::number_of_executed_units|Done [0-9]+ runs" "$artifacts/last-run.log" \
      | tail -3 | sed "s/^/fuzz: $target: /"
  else
    echo "fuzz: $target FOUND A CRASH (see $artifacts/):"
    grep -E "ERROR|Precondition|Fatal|SUMMARY|Test unit written" "$artifacts/last-run.log" | head -10
    report_crash "$target" "$artifacts"
    status=1
  fi
done
exit $status
