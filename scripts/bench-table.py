#!/usr/bin/env python3
"""The README's benchmark tables, as ratios, from one full benchmark run.

    scripts/bench.sh table        (runs the benchmarks twice, then this script)
    python3 scripts/bench-table.py RUN.md [RUN.md ...]

Each RUN.md is the output of `swift package benchmark --no-progress --format markdown
--time-units nanoseconds` run from Benchmarks/ (full mode). Every time is a median (p50)
of one run; with several runs, each row takes its lowest median (interference from other
work on a shared machine only ever adds time), and the other metrics come from the first
run (allocation counts and sizes do not depend on the run). Ratios compare rows measured
on the same bytes. A row whose benchmark is missing prints as "—".
"""
import re
import sys

UNITS = {"K": 1e3, "M": 1e6, "G": 1e9, "#": 1}
TIME = {"ns": 1, "μs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9}


def parse(path):
    """{benchmark name: {metric: p50 value}}; times in ns, counts unscaled."""
    results, name = {}, None
    for line in open(path, encoding="utf-8"):
        if line.startswith("### "):
            name = line[4:].strip()
            results[name] = {}
            continue
        if not name or not line.startswith("| ") or line.startswith("| Metric") or line.startswith("|:"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        label, p50 = cells[0], cells[3]
        scale = 1.0
        for unit in re.findall(r"\(([^)]*)\)", label):
            if unit in TIME:
                scale = TIME[unit]
            elif unit in UNITS:
                scale = UNITS[unit]
        metric = re.sub(r"\s*\([^)]*\)", "", label).replace("*", "").strip()
        try:
            results[name][metric] = float(p50) * scale
        except ValueError:
            pass
    return results


def duration(ns):
    if ns is None:
        return "—"
    for unit, size in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= size:
            value = ns / size
            return f"{value:.3g} {unit}" if value < 100 else f"{value:,.0f} {unit}"
    return f"{ns:.3g} ns"


def count(value, digits=1):
    if value is None:
        return "—"
    return f"{value:,.0f}" if value >= 100 else f"{value:.{digits}f}".rstrip("0").rstrip(".")


def size(value):
    if value is None:
        return "—"
    for unit, step in (("MB", 1 << 20), ("KB", 1 << 10)):
        if value >= step:
            return f"{value / step:.3g} {unit}"
    return f"{value:.0f} B"


def ratio(value, reference):
    if value is None or reference in (None, 0):
        return "—"
    r = value / reference
    return f"{r:,.0f}×" if r >= 100 else f"{r:.3g}×"


class Run:
    def __init__(self, results):
        self.results = results

    def get(self, name, metric):
        return self.results.get(name, {}).get(metric)

    def time(self, name):
        return self.get(name, "Time")

    def per_byte(self, name):
        t, b = self.time(name), self.get(name, "Input")
        return t / b if t and b else None

    def per_unit(self, name, metric="Malloc"):
        units = self.get(name, "Actions") or self.get(name, "Events")
        value = self.get(name, metric)
        return value / units if value is not None and units else None


def table(header, rows):
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print()


def comparison(run, title, reference, rows, unit="action"):
    """Rows of (label, benchmark): time, × the reference, ns per byte, mallocs per unit, heap peak."""
    print(f"**{title}**\n")
    ref = run.time(reference)
    out = []
    for label, name in rows:
        out.append([label, duration(run.time(name)), ratio(run.time(name), ref),
                    count(run.per_byte(name), 2), count(run.per_unit(name)), size(run.get(name, "Heap peak"))])
    table(["", "p50", "× Slate", "ns/byte", f"mallocs/{unit}", "heap peak"], out)


def merge(runs):
    """The first run's metrics, with each benchmark's time the lowest of all runs."""
    merged = {name: dict(metrics) for name, metrics in runs[0].items()}
    for other in runs[1:]:
        for name, metrics in other.items():
            if name in merged and "Time" in metrics and "Time" in merged[name]:
                merged[name]["Time"] = min(merged[name]["Time"], metrics["Time"])
    return merged


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: bench-table.py RUN.md [RUN.md ...]")
    run = Run(merge([parse(path) for path in sys.argv[1:]]))

    for sse, title in (("sse.generated-10MB", "a generated 10 MB OpenAI stream"),
                       ("sse.corpus-real", "the 30 corpus-real recordings, 218 KB")):
        rows = []
        for name, label in (("Slate-SSEParser", "**Slate `SSEParser`**"), ("naive-SDK-reader(peer)", "naive SDK reader (peer)")):
            for chunk, words in (("whole", "whole"), ("64KB-chunks", "64 KiB chunks"), ("8B-chunks", "8-byte chunks"),
                                 ("1B-chunks", "1-byte chunks")):
                if run.time(f"{sse}.{name}.{chunk}") is not None:
                    rows.append((f"{label}, {words}", f"{sse}.{name}.{chunk}"))
        rows += [("memchr for line feeds (lower bound)", f"{sse}.memchr-line-feeds(lower-bound)"),
                 ("plain copy (lower bound)", f"{sse}.plain-copy(lower-bound)"),
                 ("simdjson DOM parse of every envelope (lower bound)", f"{sse}.simdjson-every-envelope(lower-bound)")]
        comparison(run, f"SSE parsing, {title} (× Slate in 64 KiB chunks)", f"{sse}.Slate-SSEParser.64KB-chunks",
                   rows, unit="event")

    text = "framer.action-array-1MB"
    json = "json.action-array-1MB"
    comparison(run, "Action framing, a 1 MB JSON array of 4,513 actions (× the framer in 64 KiB chunks)",
               f"{text}.Slate-JSONFramer.64KB-chunks", [
                   ("**Slate `JSONFramer`**, whole", f"{text}.Slate-JSONFramer.whole"),
                   ("**Slate**, 64 KiB chunks", f"{text}.Slate-JSONFramer.64KB-chunks"),
                   ("**Slate**, 8-byte chunks", f"{text}.Slate-JSONFramer.8B-chunks"),
                   ("**Slate**, 1-byte chunks", f"{text}.Slate-JSONFramer.1B-chunks"),
                   ("**Slate**, framer + simdjson `JSONValue` per action",
                    f"{text}.Slate-JSONFramer+simdjson-JSONValue-per-action.64KB-chunks"),
                   ("**Slate** simdjson one-shot → `JSONValue`", f"{json}.Slate-simdjson-to-JSONValue"),
                   ("`JSONDecoder` one-shot into structs (peer)", f"{json}.JSONDecoder-structs(peer)"),
                   ("`JSONSerialization` one-shot (peer)", f"{json}.JSONSerialization(peer)"),
                   ("simdjson one-shot validate (lower bound)", f"{json}.simdjson-validate(lower-bound)"),
                   ("plain copy (lower bound)", f"{json}.plain-copy(lower-bound)"),
               ])

    print("**Time per byte as the input grows** (ns/byte, p50; 64 KiB chunks; the SDK re-parse "
          "and the framer beside it in 64-byte deltas)\n")
    rows = []
    for label, bytes_ in (("4 KB", "4KB"), ("16 KB", "16KB"), ("64 KB", "64KB"), ("1 MB", "1MB"),
                          ("8 MB", "8MB"), ("10 MB", "10MB")):
        reparse = run.per_byte(f"framer.reparse-input-{bytes_}.JSONSerialization-reparse-per-delta(peer).64B-chunks")
        framer64 = run.per_byte(f"framer.reparse-input-{bytes_}.Slate-JSONFramer.64B-chunks")
        framer = run.per_byte(f"framer.action-array-{bytes_}.Slate-JSONFramer.64KB-chunks")
        sse = run.per_byte(f"sse.growth-{bytes_}.Slate-SSEParser.64KB-chunks") \
            or run.per_byte(f"sse.generated-{bytes_}.Slate-SSEParser.64KB-chunks")
        if not any((reparse, framer64, framer, sse)):
            continue
        rows.append([label, count(sse, 2), count(framer, 2), count(framer64, 2), count(reparse, 0),
                     ratio(reparse, framer64)])
    table(["input", "Slate `SSEParser`", "Slate `JSONFramer`", "`JSONFramer`, 64-byte deltas",
           "SDK re-parse, 64-byte deltas", "re-parse × framer"], rows)

    for dialect, title in (("openai-chat", "OpenAI Chat Completions"), ("anthropic", "Anthropic Messages")):
        print(f"**End to end, generated {title} turns** (raw bytes in 64 KiB chunks → validated film "
              "actions; peers and lower bounds on the same bytes; × Slate's `ActionStream`)\n")
        rows = []
        for n in (10, 100, 1000, 5000):
            base = f"pipeline.{dialect}-{n}-actions"
            stream = f"{base}.Slate-ActionStream.64KB-chunks"
            if run.time(stream) is None:
                continue
            ref = run.time(stream)
            rows.append([f"{n:,}", size(run.get(stream, "Input")), duration(ref),
                         count(run.per_byte(stream), 2),
                         ratio(run.time(f"{base}.Slate-TurnPipeline(film-pack).64KB-chunks"), ref),
                         ratio(run.time(f"{base}.JSONDecoder-envelopes+final-text(peer).64KB-chunks"), ref),
                         ratio(run.time(f"{base}.JSONSerialization-reparse-per-delta(peer).64KB-chunks"), ref),
                         ratio(run.time(f"{base}.simdjson-envelopes+final-text(lower-bound)"), ref),
                         ratio(run.time(f"{base}.sse-cut+simdjson-envelopes+final-text(lower-bound)"), ref),
                         ratio(run.time(f"{base}.plain-copy(lower-bound)"), ref),
                         count(run.per_unit(stream)),
                         count(run.per_unit(f"{base}.Slate-TurnPipeline(film-pack).64KB-chunks")),
                         count(run.per_unit(f"{base}.JSONDecoder-envelopes+final-text(peer).64KB-chunks")),
                         size(run.get(stream, "Heap peak")),
                         size(run.get(f"{base}.Slate-TurnPipeline(film-pack).64KB-chunks", "Heap peak"))])
        table(["actions", "bytes", "`ActionStream` p50", "ns/byte", "`TurnPipeline`", "JSONDecoder (peer)",
               "re-parse (peer)", "simdjson (lower bound)", "SSE cut + simdjson (issue 16's bound)",
               "copy (lower bound)", "mallocs/action stream",
               "… pipeline", "… JSONDecoder", "heap peak stream", "… pipeline"], rows)
        base = f"pipeline.{dialect}-1000-actions"
        one = run.time(f"{base}.Slate-ActionStream.1B-chunks")
        big = run.time(f"{base}.Slate-ActionStream.64KB-chunks")
        if one and big:
            print(f"1-byte chunks against 64 KiB chunks, 1,000 actions: `ActionStream` {ratio(one, big)}, "
                  f"`TurnPipeline` {ratio(run.time(f'{base}.Slate-TurnPipeline(film-pack).1B-chunks'), run.time(f'{base}.Slate-TurnPipeline(film-pack).64KB-chunks'))}.\n")

    for label, base in (("the project's Corpus/ streams (64, each its own turn)", "pipeline.Corpus(64-streams)"),
                        ("the 30 corpus-real recordings", "pipeline.corpus-real(30-streams)")):
        comparison(run, f"End to end over {label}", f"{base}.Slate-ActionStream.64KB-chunks", [
            ("**Slate `ActionStream`**, 64 KiB chunks", f"{base}.Slate-ActionStream.64KB-chunks"),
            ("**Slate `ActionStream`**, 1-byte chunks", f"{base}.Slate-ActionStream.1B-chunks"),
            ("**Slate `TurnPipeline`** (film pack), 64 KiB chunks", f"{base}.Slate-TurnPipeline(film-pack).64KB-chunks"),
            ("simdjson parse of every envelope (lower bound)", f"{base}.simdjson-every-envelope-or-text(lower-bound)"),
            ("plain copy (lower bound)", f"{base}.plain-copy(lower-bound)"),
        ])

    print("**Validation, per film action** (× `JSONDecoder`; one iteration is 1,000 actions)\n")
    peer = "schema.per-action.JSONDecoder-structs-from-bytes(peer,types-and-presence-only)"
    rows = []
    for label, name in (("**Slate** validate, all errors", "schema.per-action.Slate-validate(all-errors)"),
                        ("**Slate** validate, first error", "schema.per-action.Slate-validate(first-error)"),
                        ("**Slate** classify (type, validate, key + SHA-256)",
                         "schema.per-action.Slate-classify(type,validate,key+SHA-256)"),
                        ("**Slate** simdjson parse + classify, from bytes", "schema.per-action.Slate-parse+classify-from-bytes"),
                        ("`JSONDecoder` into structs, from bytes (peer: types and presence only)", peer),
                        ("canonical bytes of the value (lower bound for keying)",
                         "schema.per-action.canonical-bytes(lower-bound-for-keying)")):
        rows.append([label, duration(run.time(name)), ratio(run.time(name), run.time(peer)),
                     count(run.get(name, "Malloc"))])
    table(["", "p50 per action", "× JSONDecoder", "mallocs/action"], rows)

    print("**Dispatch** (a generated film turn, batched by phase, at most 64 actions a batch)\n")
    rows = []
    for n in (100, 1000, 10000):  # rows a run lacks are left out
        for label, name in (
                ("`Dispatcher`, in-memory ledger, apply", f"dispatch.film-{n}-actions.Slate-Dispatcher(in-memory-ledger).apply"),
                ("`Dispatcher`, in-memory ledger, replay (all duplicates)",
                 f"dispatch.film-{n}-actions.Slate-Dispatcher(in-memory-ledger).replay-duplicates"),
                ("`Dispatcher`, SQLite ledger (WAL file), apply", f"dispatch.film-{n}-actions.Slate-Dispatcher(SQLite-ledger).apply"),
                ("`SQLiteLedger` action rows, one transaction per batch",
                 f"sqlite.film-{n}-actions.Slate-SQLiteLedger.insert(one-transaction-per-batch)"),
                ("`SQLiteLedger` action rows, one transaction per action",
                 f"sqlite.film-{n}-actions.Slate-SQLiteLedger.insert(one-transaction-per-action)")):
            t, actions = run.time(name), run.get(name, "Actions")
            if t is None:
                continue
            rows.append([f"{n:,}", label, duration(t), f"{actions / t * 1e9:,.0f}", duration(t / actions),
                         count(run.per_unit(name))])
    table(["actions", "", "p50", "actions/s", "per action", "mallocs/action"], rows)


if __name__ == "__main__":
    main()
