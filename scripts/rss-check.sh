#!/bin/sh
# Peak resident memory of a slate stream command on a large generated stream piped into it
# (the manual form of ResidentMemoryTests, for sizes CI does not run):
#   scripts/rss-check.sh MB [SLATE-ARGS…]     default: 1024 MB into `slate inspect -`
# The stream is an OpenAI Chat Completions answer: one JSON array of 2 KB actions, 400 text
# bytes per event, generated on the fly by python3 (never a file). SLATE picks the binary
# (default .build/release/slate). Prints the elapsed time and the peak resident memory.
set -eu
cd "$(dirname "$0")/.."
mb=${1:-1024}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- inspect -
slate=${SLATE:-.build/release/slate}
python3 - "$mb" <<'PY' | /usr/bin/time -f "slate $*: ${mb} MB piped in, %e s, peak resident %M KB" "$slate" "$@" > /dev/null
import sys
mb, out = int(sys.argv[1]), sys.stdout.buffer
body = "lorem ipsum " * 170
def event(content):
    return b'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"' + content.encode() + b'"}}]}\n\n'
blocks, size, index = [event("[")], 0, 0
while size < mb << 20:
    value = '{\\"type\\":\\"note\\",\\"id\\":\\"n%d\\",\\"body\\":\\"%s\\"},' % (index, body)
    start = 0
    while start < len(value):
        end = min(start + 400, len(value))
        while value[end - 1] == "\\" and end < len(value):  # never cut an escape
            end += 1
        blocks.append(event(value[start:end]))
        size += len(blocks[-1])
        start = end
    index += 1
    if len(blocks) > 200:
        out.write(b"".join(blocks))
        blocks = []
blocks.append(event('{\\"type\\":\\"note\\",\\"id\\":\\"last\\"}]'))
blocks.append(b'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n')
out.write(b"".join(blocks))
PY
