#!/usr/bin/env bash
# The whole-process comparison (make bench-process): the `slate actions` process against
# Python peers on the same generated OpenAI Chat Completions stream, in one job.
#
#   1. a virtual environment under .build/py-peers (never committed) with pinned orjson,
#      ijson and openai from PyPI; hyperfine from Debian when missing;
#   2. the release `slate`, and the stream: `slate corpus generate --dialect openai-chat
#      --actions $ACTIONS --delta-sizes $DELTAS` (1,000 actions of 1-2 character deltas:
#      34 MB) into .build/bench-process/;
#   3. each Python peer timed inside the interpreter, the file already in memory
#      (Benchmarks/python/peers.py; best and median of $RUNS runs), and the non-incremental
#      peer as a whole process too (interpreter start, imports, file read) with hyperfine;
#   4. `slate actions FILE --dialect auto --json > /dev/null` with hyperfine; with STATIC=1
#      also a `slate` built with `--static-swift-stdlib` (the standard library and
#      Foundation linked in, as a server deploys it: no dynamic loading of libFoundation and
#      ICU at start-up), in its own scratch folder .build/static;
#   5. a markdown table of the times and of slate's ratio to each (median against median).
# Every peer must find the same number of actions as slate. Times move by tens of percent on
# a shared 2-core machine: compare within one run only.
set -euo pipefail
cd "$(dirname "$0")/../.."

swift=${SWIFT:-swift}
actions=${ACTIONS:-1000}
deltas=${DELTAS:-1-2}
runs=${RUNS:-5}
out=.build/bench-process
venv=.build/py-peers

[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check orjson==3.13.0 ijson==3.6.0 openai==3.51.0
if ! command -v hyperfine >/dev/null; then
  apt-get install -y hyperfine >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y hyperfine >/dev/null; }
fi

"$swift" build -c release --product slate >&2
slate=.build/release/slate
mkdir -p "$out"
file="$out/openai-chat-$actions-$deltas.sse"
static_runs=()
if [ "${STATIC:-0}" = 1 ]; then
  "$swift" build -c release --product slate --static-swift-stdlib --scratch-path .build/static >&2
  static_runs=(-n slate-static ".build/static/release/slate actions $file --dialect auto --json > /dev/null")
fi
"$slate" corpus generate --dialect openai-chat --actions "$actions" --delta-sizes "$deltas" > "$file"
values=$("$slate" actions "$file" --dialect auto --json | grep -c '"kind":"value"' || true)
echo "stream: $file, $(wc -c < "$file") bytes, slate finds $values values" >&2

"$venv/bin/python" Benchmarks/python/peers.py "$file" --runs "$runs" --json > "$out/peers.jsonl"
hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$out/processes.json" \
  -n slate "$slate actions $file --dialect auto --json > /dev/null" "${static_runs[@]}" \
  -n python-process "$venv/bin/python Benchmarks/python/peers.py $file --runs 1 --only sse-orjson > /dev/null" >&2

"$venv/bin/python" - "$out/peers.jsonl" "$out/processes.json" "$values" "$(wc -c < "$file")" <<'PY'
import json, sys
peers = [json.loads(line) for line in open(sys.argv[1])]
processes = {r["command"]: r for r in json.load(open(sys.argv[2]))["results"]}
values, size = int(sys.argv[3]), int(sys.argv[4])
slate = processes["slate"]["median"]
for peer in peers:
    if peer["actions"] != values:
        sys.exit(f"bench-process: {peer['peer']} found {peer['actions']} actions, slate {values}")
def cpu(result):
    return sum(u + s for u, s in zip(result["user"], result["system"])) / len(result["user"]) if "user" in result and isinstance(result["user"], list) else result["user"] + result["system"]
slate_cpu = cpu(processes["slate"])
rows = [("`slate actions FILE --dialect auto --json`, the whole process (hyperfine)", slate, processes["slate"]["min"], slate_cpu)]
if "slate-static" in processes:
    static = processes["slate-static"]
    rows.append(("the same, `slate` built with `--static-swift-stdlib`", static["median"], static["min"], cpu(static)))
names = {"sse-orjson": "Python: SSE loop + `orjson.loads` of every event + one `orjson.loads` of the final text (not incremental), inside the interpreter",
         "ijson": "Python: SSE loop + `orjson.loads` of every event + ijson `items_coro` (yajl2_c, incremental) on the answer text, inside the interpreter",
         "ijson-json": "Python: SSE loop + the standard library's `json.loads` of every event + ijson `items_coro` (yajl2_c, incremental) on the answer text, inside the interpreter",
         "openai-sdk": "Python: the openai package's SSE decoder and chunk models + one `orjson.loads` of the final text, inside the interpreter"}
for peer in peers:
    rows.append((names[peer["peer"]], peer["median"], peer["best"], peer["cpu"]))
rows.append(("the non-incremental Python as a whole process (interpreter start, imports, file read; hyperfine)",
             processes["python-process"]["median"], processes["python-process"]["min"], cpu(processes["python-process"])))
print(f"{size / 1e6:.1f} MB, {values} actions")
print()
print("| what | wall, median | wall, best | CPU (user + sys) | MB/s (wall) | slate ÷ this, wall | slate ÷ this, CPU |")
print("|---|---:|---:|---:|---:|---:|---:|")
for what, median, best, cpu_time in rows:
    print(f"| {what} | {median:.3f} s | {best:.3f} s | {cpu_time:.3f} s | {size / 1e6 / median:.0f} | {slate / median:.2f}× | {slate_cpu / cpu_time:.2f}× |")
PY
