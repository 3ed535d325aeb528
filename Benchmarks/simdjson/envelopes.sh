#!/usr/bin/env bash
# simdjson's DOM front end against its On-Demand front end on the envelopes of generated
# streams (make bench-envelopes): the measurement issue 16 asks for before choosing a front
# end. Builds Benchmarks/simdjson/envelopes.cpp against Debian's libsimdjson-dev (the
# library Slate's shim links) into .build/envelopes, generates the same streams as
# `make bench-process` (1,000 actions of 1-2 character deltas, OpenAI Chat Completions and
# Anthropic Messages) and prints one table per stream. RUNS passes, best kept (default 10).
set -euo pipefail
cd "$(dirname "$0")/../.."

swift=${SWIFT:-swift}
runs=${RUNS:-10}
out=.build/envelopes
mkdir -p "$out"
c++ -O3 -std=c++17 Benchmarks/simdjson/envelopes.cpp -lsimdjson -o "$out/envelopes"
"$swift" build -c release --product slate >&2
for dialect in openai-chat anthropic; do
  file="$out/$dialect-1000-1-2.sse"
  [ -s "$file" ] || .build/release/slate corpus generate --dialect "$dialect" --actions 1000 --delta-sizes 1-2 > "$file"
  "$out/envelopes" "$file" "${dialect%-chat}" "$runs"
  echo
done
