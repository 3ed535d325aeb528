"""Python peers of `slate actions` on an OpenAI Chat Completions stream whose answer text is
a JSON array of actions, each timed inside the interpreter with the file already in memory
(no interpreter start, no imports, no file read in the timed region).

  sse-orjson    an SSE loop (split at blank lines, `data:` lines), orjson.loads of every event,
                the answer deltas joined, then one orjson.loads of the final text: not
                incremental (no action before the end), the lower bound of a Python script
  ijson         the same SSE loop and orjson.loads of every event, the answer deltas fed to an
                ijson push parser (yajl2_c backend) that yields each action as it closes
  ijson-json    the same incremental script with the standard library's json.loads for the
                events (what the openai package's Stream calls): the plain Python script an
                incremental reader writes, whose time against sse-orjson (about 1.9x here)
                is the issue's ijson row against its orjson row (0.98 / 0.57 s, 1.7x); the
                ijson peer above, orjson for the events, is the faster of the two
  openai-sdk    the openai package's own SSE decoder (fed 64 KiB blocks) and chunk models
                (json.loads + construct_type into ChatCompletionChunk, as its Stream does),
                then one orjson.loads of the final text

The openai-sdk peer runs only with --sdk: about 50 times slower than sse-orjson (its
decoder and models cost ~0.6 ms per event), it would dominate the job.

Usage: peers.py FILE [--runs N] [--json] [--sdk] [--only NAME]. Prints one line per peer: name, best and median
seconds over N runs (default 5), the number of actions found (each peer must find the
same number) and the median processor time (user + system: on a machine shared with other
work, wall time runs ahead of it). With --json, one JSON object per peer.
"""

import json
import statistics
import sys
import time

import ijson
import orjson
from openai._models import construct_type
from openai._streaming import SSEDecoder
from openai.types.chat import ChatCompletionChunk


def events(data):
    """The data of each SSE event in `data` (bytes): the WHATWG rules for `data:` lines, LF or
    CRLF line endings, comments and other fields skipped."""
    data = data.replace(b"\r\n", b"\n")
    for block in data.split(b"\n\n"):
        lines = [line[5:].lstrip(b" ") if line.startswith(b"data:") else None for line in block.split(b"\n")]
        lines = [line for line in lines if line is not None]
        if lines:
            yield b"\n".join(lines)


def answer_deltas(data, loads=orjson.loads):
    """The answer-text delta of each event, each event parsed with `loads`."""
    for event in events(data):
        if event == b"[DONE]":
            return
        envelope = loads(event)
        for choice in envelope.get("choices") or ():
            content = (choice.get("delta") or {}).get("content")
            if content:
                yield content


def sse_orjson(data):
    return len(orjson.loads("".join(answer_deltas(data))))


def ijson_incremental(data, loads=orjson.loads):
    found = []
    sink = ijson.utils.sendable_list()
    parser = ijson.get_backend("yajl2_c").items_coro(sink, "item")
    for content in answer_deltas(data, loads):
        parser.send(content.encode())
        if sink:
            found.extend(sink)
            del sink[:]
    parser.close()
    found.extend(sink)
    return len(found)


def openai_sdk(data):
    decoder = SSEDecoder()
    blocks = (data[i : i + 65536] for i in range(0, len(data), 65536))
    pieces = []
    for sse in decoder.iter_bytes(blocks):
        if sse.data.startswith("[DONE]"):
            break
        chunk = construct_type(type_=ChatCompletionChunk, value=sse.json())
        for choice in chunk.choices:
            if choice.delta.content:
                pieces.append(choice.delta.content)
    return len(orjson.loads("".join(pieces)))


def ijson_json(data):
    return ijson_incremental(data, json.loads)


PEERS = [("sse-orjson", sse_orjson), ("ijson", ijson_incremental), ("ijson-json", ijson_json)]


def main():
    args = sys.argv[1:]
    path = args[0]
    runs = int(args[args.index("--runs") + 1]) if "--runs" in args else 5
    with open(path, "rb") as f:
        data = f.read()
    peers = PEERS + ([("openai-sdk", openai_sdk)] if "--sdk" in args else [])
    if "--only" in args:
        peers = [p for p in peers if p[0] == args[args.index("--only") + 1]]
    for name, peer in peers:
        times = []
        cpu = []
        count = None
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            count = peer(data)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        result = {"peer": name, "best": min(times), "median": statistics.median(times),
                  "cpu": statistics.median(cpu), "actions": count}
        if "--json" in args:
            print(orjson.dumps(result).decode())
        else:
            print(f"{name}\t{min(times):.4f}\t{statistics.median(times):.4f}\tcpu {result['cpu']:.4f}\t{count}")


if __name__ == "__main__":
    main()
