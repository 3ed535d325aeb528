#!/usr/bin/env bash
# Native times of the action stream, the turn pipeline and their lower bounds, per pass, with
# the same driver and runs as scripts/callgrind.sh: what issue 16's ratios are stated in
# (time), where callgrind's instruction counts are not (simdjson retires several times more
# instructions per cycle than the Swift layers, so an instruction ratio flatters them).
#
#   scripts/times.sh [--no-build] [-n PASSES] [-r ROUNDS] [RUN ...]
#   RUN: INPUT:CHUNK as scripts/callgrind.sh takes it. Default: its default runs plus the
#        pipelines of the two generated turns.
#
# Each RUN is one driver process (Benchmarks/Support/ProfileDriver with SLATE_PROFILE_TIMES=1)
# that makes its input, runs one uncollected warm-up pass, then PASSES timed passes (default
# 100) and prints the minimum and quantiles of the pass times. The runs are repeated ROUNDS
# times (default 3), interleaved (every run once, then again), so that a slow phase of a shared
# machine falls on all of them; each run's figure is the minimum, and the median, over all its
# passes. Ratios as callgrind.sh prints them: a generated turn against its lower bound (one
# simdjson parse of every envelope and of the final text), and against issue 16's, which adds
# the SSE cut (`cut-INPUT`: the driver's `sseCutEnvelopes`), a pipeline against the stream, 1-byte
# against 64 KiB chunks; both on minima and on medians. Times move by tens of percent from run
# to run on these machines: read ratios within one run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../Benchmarks"

build=1
passes=100
rounds=3
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0; shift ;;
    -n) passes=$2; shift 2 ;;
    -r) rounds=$2; shift 2 ;;
    *) break ;;
  esac
done
runs=("$@")
if [ ${#runs[@]} -eq 0 ]; then
  runs=(openai-chat-1000:65536 lower-openai-chat-1000:65536 pipeline-openai-chat-1000:65536
        anthropic-1000:65536 lower-anthropic-1000:65536 pipeline-anthropic-1000:65536
        corpus-real:65536 lower-corpus-real:65536 corpus-real:1 corpus:65536 corpus:1
        cut-openai-chat-1000:65536 cut-anthropic-1000:65536 cut-corpus-real:65536)
fi
if [ $build -eq 1 ]; then
  swift build -c release --product ProfileDriver >&2
fi
driver=.build/release/ProfileDriver

declare -A all
for ((round = 0; round < rounds; round++)); do
  for run in "${runs[@]}"; do
    input=${run%%:*}
    chunk=${run##*:}
    # "times ms: t1 t2 …" (every timed pass)
    line=$(SLATE_PROFILE_WARM=1 SLATE_PROFILE_TIMES=1 LD_LIBRARY_PATH=.build/release "$driver" "$input" "$chunk" "$passes" \
      | sed -n 's/^times ms: //p')
    all[$run]="${all[$run]:-} $line"
  done
done

declare -A low mid
for run in "${runs[@]}"; do
  read -r low[$run] mid[$run] p90 < <(tr ' ' '\n' <<<"${all[$run]}" | sed '/^$/d' | sort -g | awk '
    { t[NR] = $1 } END { k = int(NR * 0.9); if (k < 1) k = 1; printf "%s %s %s\n", t[1], t[int((NR + 1) / 2)], t[k] }')
  printf '%-28s chunk %6s  min %9.3f ms  median %9.3f ms  p90 %9.3f ms\n' "${run%%:*}" "${run##*:}" "${low[$run]}" "${mid[$run]}" "$p90"
done

ratio() {  # ratio NAME A B
  if [ -n "${low[$2]:-}" ] && [ -n "${low[$3]:-}" ]; then
    awk -v a="${low[$2]}" -v b="${low[$3]}" -v c="${mid[$2]}" -v d="${mid[$3]}" -v n="$1" \
      'BEGIN { printf "%-44s %.2fx (minima)  %.2fx (medians)\n", n, a / b, c / d }'
  fi
}
echo
for run in "${runs[@]}"; do
  input=${run%%:*}
  chunk=${run##*:}
  case "$input" in
    lower-* | cut-*) ;;
    pipeline-*) ratio "$input/$chunk to ${input#pipeline-}" "$run" "${input#pipeline-}:$chunk" ;;
    *) ratio "$input/$chunk to its lower bound" "$run" "lower-$input:$chunk"
       ratio "$input/$chunk to it with the SSE cut" "$run" "cut-$input:$chunk" ;;
  esac
  if [ "$chunk" = 1 ]; then ratio "$input 1-byte to 64 KiB chunks" "$run" "$input:65536"; fi
done
