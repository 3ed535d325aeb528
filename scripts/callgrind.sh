#!/usr/bin/env bash
# Instruction and malloc counts of the action stream under callgrind (valgrind), which are
# repeatable on a loaded machine where times are not. Collection is limited to the
# driver's `slate_profile_run` / `slate_profile_lower` (input generation is not counted).
#
#   scripts/callgrind.sh [--no-build] [--warm] [RUN ...]
#   RUN: INPUT:CHUNK, INPUT as Benchmarks/Support/ProfileDriver takes it (openai-chat-N,
#        anthropic-N, lower-openai-chat-N, lower-anthropic-N, corpus-real, corpus, and
#        pipeline-INPUT for the turn pipeline with the film pack over INPUT),
#        CHUNK in bytes (0 = whole). Default: the generated 1,000-action turns in 64 KiB
#        chunks with their lower bounds, and corpus-real and corpus in 1-byte and 64 KiB
#        chunks.
#
# Prints, per run, the instructions (Ir) inside the collected function, the calls to
# malloc/calloc/realloc/memalign inside the same passes (counted in a native run with
# scripts/malloc-count.c preloaded), the values committed (lower bounds: the documents
# parsed; pipelines: the actions and rejections), and mallocs per value; then the ratios: each
# generated turn against its lower bound (one simdjson parse of every envelope and of the final
# text), each pipeline run against the action stream on the same input, and 1-byte against
# 64 KiB chunks.
# --warm runs one uncollected pass before the measured one (SLATE_PROFILE_WARM=1): type
# metadata that the process instantiates on first use (each a conformance lookup over the
# whole binary, ~450 K instructions) then falls outside the count, as package-benchmark's
# warm-up iterations leave it out of the times. Without it (the default, as every table in
# the README up to the fourth pass), the single measured pass includes those one-time costs.
# These are instruction counts, not times. Raw callgrind files stay in
# Benchmarks/.build/callgrind/ (open them with callgrind_annotate).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../Benchmarks"

build=1
warm=0
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0; shift ;;
    --warm) warm=1; shift ;;
    *) break ;;
  esac
done
export SLATE_PROFILE_WARM=$warm
runs=("$@")
if [ ${#runs[@]} -eq 0 ]; then
  runs=(openai-chat-1000:65536 lower-openai-chat-1000:65536 anthropic-1000:65536 lower-anthropic-1000:65536
        corpus-real:65536 corpus-real:1 corpus:65536 corpus:1)
fi

command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
if [ $build -eq 1 ]; then
  swift build -c release --product ProfileDriver >&2
fi
out=.build/callgrind
mkdir -p "$out"
driver="$out/ProfileDriver"
cp .build/release/ProfileDriver "$driver"
strip --strip-debug "$driver"

# The allocator counter (scripts/malloc-count.c), preloaded into a native run of each input.
cc -O2 -shared -fPIC -o "$out/malloc-count.so" "$here/malloc-count.c"

declare -A ir mallocs values
for run in "${runs[@]}"; do
  input=${run%%:*}
  chunk=${run##*:}
  file="$out/$input-$chunk.out"
  toggle=slate_profile_run
  case "$input" in lower-*) toggle=slate_profile_lower ;; pipeline-*) toggle=slate_profile_pipeline ;; esac
  LD_LIBRARY_PATH=.build/release valgrind --tool=callgrind --collect-atstart=no --toggle-collect=$toggle \
    --callgrind-out-file="$file" "$driver" "$input" "$chunk" >/dev/null 2>"$file.log"
  ir[$run]=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$file")
  # "INPUT chunk C: B bytes, V values, M mallocs"
  printed=$(LD_PRELOAD="$PWD/$out/malloc-count.so" LD_LIBRARY_PATH=.build/release "$driver" "$input" "$chunk")
  values[$run]=$(sed -n 's/.* \([0-9]*\) values.*/\1/p' <<<"$printed")
  mallocs[$run]=$(sed -n 's/.* \([0-9]*\) mallocs$/\1/p' <<<"$printed")
  per=$(awk -v m="${mallocs[$run]}" -v v="${values[$run]}" 'BEGIN { if (v > 0) printf "%.1f", m / v; else print "-" }')
  printf '%-24s chunk %6s  %'"'"'15d instructions  %'"'"'10d mallocs  %6s values  %6s mallocs/value\n' \
    "$input" "$chunk" "${ir[$run]}" "${mallocs[$run]}" "${values[$run]}" "$per"
done

ratio() {  # ratio NAME A B
  if [ -n "${ir[$2]:-}" ] && [ -n "${ir[$3]:-}" ]; then
    awk -v a="${ir[$2]}" -v b="${ir[$3]}" -v n="$1" 'BEGIN { printf "%-44s %.2fx\n", n, a / b }'
  fi
}
echo
for run in "${runs[@]}"; do
  input=${run%%:*}
  chunk=${run##*:}
  case "$input" in
    lower-*|corpus*) ;;
    pipeline-*) ratio "$input/$chunk to ${input#pipeline-}" "$run" "${input#pipeline-}:$chunk" ;;
    *) ratio "$input/$chunk to its lower bound" "$run" "lower-$input:$chunk" ;;
  esac
  if [ "$chunk" = 1 ]; then ratio "$input 1-byte to 64 KiB chunks" "$run" "$input:65536"; fi
done
