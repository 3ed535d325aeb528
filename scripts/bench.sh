#!/usr/bin/env bash
# The benchmarks (Benchmarks/, package-benchmark), in four modes:
#   scripts/bench.sh run          every suite, full mode, markdown tables (make bench)
#   scripts/bench.sh quick        every suite in quick mode (SLATE_BENCH_QUICK=1: 3 iterations,
#                                 inputs up to 1 MB) into the baseline `quick` (.benchmarkBaselines/),
#                                 printed, then checked against the committed allocation
#                                 thresholds; non-zero when a suite fails or a count drifts by
#                                 more than 2% either way (make bench-quick, CI)
#   scripts/bench.sh thresholds   rewrites Benchmarks/Thresholds/ from a quick run: malloc
#                                 counts of Slate's own benchmarks only (make bench-thresholds)
#   scripts/bench.sh table        two full runs, then the README's ratio tables on stdout
#                                 (make bench-table; the raw runs stay in .build/bench-table-N.md)
# Times are reported, never gated: on shared 2-core machines they move by tens of percent.
#
# Every mode runs under scripts/postgres.sh run (a throwaway PostgreSQL 15, unless
# SLATE_TEST_POSTGRES_URL names a server already) for DispatchBenchmarks' PostgreSQL rows
# (full runs only: quick mode leaves them out);
# when no server can be started they are skipped, each run saying so, and the rest runs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${SLATE_TEST_POSTGRES_URL:-}" ] && [ -z "${SLATE_BENCH_UNDER_POSTGRES:-}" ]; then
  export SLATE_BENCH_UNDER_POSTGRES=1
  exec "$here/postgres.sh" run -- "$here/bench.sh" "$@"
fi
cd "$here/../Benchmarks"

swift=${SWIFT:-swift}
mode=${1:-run}

case "$mode" in
  run)
    "$swift" package benchmark --no-progress --format markdown
    ;;

  quick)
    # Build every suite in release and run each benchmark in quick mode into a baseline,
    # print it, then compare its malloc counts with Thresholds/ (without running again).
    export SLATE_BENCH_QUICK=1
    "$swift" package --allow-writing-to-package-directory benchmark baseline update quick --no-progress --quiet
    "$swift" package benchmark baseline read quick --no-progress --format markdown
    status=0
    "$swift" package benchmark thresholds check quick --no-progress || status=$?
    if [ $status -eq 0 ]; then
      echo "bench-quick: every suite ran; allocation counts match Benchmarks/Thresholds/"
    else
      echo "bench-quick: FAILED: allocation counts moved by more than 2% (see the deviations above)." \
        "WORSE is a regression to fix; BETTER is a gain to lock in: run 'make bench-thresholds'" \
        "and commit Benchmarks/Thresholds/." >&2
    fi
    exit $status
    ;;

  thresholds)
    rm -rf Thresholds
    SLATE_BENCH_QUICK=1 "$swift" package --allow-writing-to-package-directory benchmark thresholds update \
      --no-progress --path Thresholds
    # Keep Slate's own benchmarks (peers and lower bounds are Foundation's or memcpy's
    # business), and of their metrics the malloc count only (times are not gated). The
    # dispatcher over SQLite is not gated either: GRDB's connection pool and SQLite's own
    # allocations move its count by about 1% between identical iterations.
    for file in Thresholds/*.p90.json; do
      case "$file" in
        *"Dispatcher(SQLite-ledger)"*) rm "$file"; continue ;;
        *.Slate-*) ;;
        *) rm "$file"; continue ;;
      esac
      count=$(grep -o '"mallocCountTotal" : [0-9]*' "$file" | grep -o '[0-9]*$')
      printf '{\n  "mallocCountTotal" : %s\n}\n' "$count" > "$file"
      chmod 644 "$file"
    done
    echo "bench-thresholds: $(ls Thresholds | wc -l) thresholds written to Benchmarks/Thresholds/"
    ;;

  table)
    # Two full runs (BENCH_RUNS to change), each row's time the lower of its medians.
    mkdir -p .build
    runs=()
    for run in $(seq 1 "${BENCH_RUNS:-2}"); do
      "$swift" package benchmark --no-progress --format markdown --time-units nanoseconds > ".build/bench-table-$run.md"
      runs+=(".build/bench-table-$run.md")
    done
    python3 ../scripts/bench-table.py "${runs[@]}"
    ;;

  *)
    echo "usage: scripts/bench.sh run|quick|thresholds|table" >&2
    exit 2
    ;;
esac
