# Slate's two entry points (see README): `make demo` runs the main job on an embedded
# default, `make test` runs every test. Both install missing system packages first.
SHELL := /bin/bash
SWIFT ?= swift
# The package traits of the whole build (Package.swift): `make demo` and the corpus check
# build the default `slate` (SQLite, files and standard input); `make test` builds it with
# every optional part, so the PostgreSQL and HTTP tests drive a `slate` that speaks
# postgres:// and http://; `make demo-postgres` with the PostgreSQL ledger.
ALL_TRAITS := --traits Postgres,HTTP

.PHONY: deps demo demo-postgres test corpus-check schema-compare bench bench-quick bench-thresholds bench-table bench-process bench-envelopes bench-ttfa fuzz fuzz-smoke

deps:
	@scripts/ensure-deps.sh

demo: deps
	$(SWIFT) build --product slate
	rm -f .build/demo-ledger.sqlite .build/demo-ledger.sqlite-wal .build/demo-ledger.sqlite-shm
	.build/debug/slate replay Corpus/turns/heist --ledger .build/demo-ledger.sqlite

# `make demo` into a PostgreSQL ledger, in a new schema: on a throwaway PostgreSQL 15
# (scripts/postgres.sh), or on the server SLATE_TEST_POSTGRES_URL names.
demo-postgres: deps
	$(SWIFT) build --product slate --traits Postgres
	scripts/postgres.sh run -- sh -c 'test -n "$$SLATE_TEST_POSTGRES_URL" || exit 2; \
	  .build/debug/slate replay Corpus/turns/heist --ledger "$$SLATE_TEST_POSTGRES_URL?schema=demo_$$(date +%s)"'

# The PostgreSQL ledger's tests use the server named by SLATE_TEST_POSTGRES_URL; without
# one, scripts/postgres.sh starts a throwaway one for the run (or says why it cannot, and
# those tests skip with a message).

test: deps
	@scripts/ensure-deps.sh time   # /usr/bin/time: ResidentMemoryTests reads a command's peak memory from it
	$(SWIFT) build --build-tests $(ALL_TRAITS)
	scripts/postgres.sh run -- $(SWIFT) test $(ALL_TRAITS)

# Every Corpus stream (and ../shared/corpus-real, when present) against its golden output,
# whole and rechunked; exit 1 on any difference (see Corpus/README.md).
corpus-check: deps
	$(SWIFT) build --product slate
	.build/debug/slate corpus check

# Slate's validator against Python's jsonschema on generated instances (a virtual
# environment under .build/, jsonschema pinned; see scripts/schema-compare.sh).
schema-compare: deps
	SWIFT=$(SWIFT) scripts/schema-compare.sh

# Benchmarks (Benchmarks/, package-benchmark; see scripts/bench.sh): `make bench` runs every
# suite; CI runs `make bench-quick` (quick mode, then the committed allocation thresholds);
# `make bench-thresholds` rewrites them; `make bench-table` prints the README's ratio tables.
bench: deps
	SWIFT=$(SWIFT) scripts/bench.sh run

bench-quick: deps
	SWIFT=$(SWIFT) scripts/bench.sh quick

bench-thresholds: deps
	SWIFT=$(SWIFT) scripts/bench.sh thresholds

bench-table: deps
	SWIFT=$(SWIFT) scripts/bench.sh table

# The whole `slate actions` process against Python peers (orjson, ijson) on one generated
# OpenAI stream, with hyperfine; a venv under .build/ (see Benchmarks/python/compare.sh).
# STATIC=1 adds a `slate` linked with --static-swift-stdlib.
bench-process: deps
	SWIFT=$(SWIFT) STATIC=$(STATIC) Benchmarks/python/compare.sh

# simdjson's DOM front end (the shim's) against On-Demand on the envelopes of generated
# streams, reading what the dialects read (issue 16: measure before choosing). ~1 minute.
bench-envelopes: deps
	SWIFT=$(SWIFT) Benchmarks/simdjson/envelopes.sh

# Time to first action over loopback HTTP (issue 18): generated turns of 10, 100 and 1,000
# actions served by RecordingServer at a token pace, Slate against the SDK pattern (parse
# after the body ends); prints the README's table. About 2 minutes (the 1,000-action turn
# streams for ~100 s at the pace): not part of bench-quick. TTFA_ARGS adds options
# (--pace RATE, --runs N, --actions LIST, --dialect D).
bench-ttfa: deps
	$(SWIFT) build -c release --product slate-ttfa
	.build/release/slate-ttfa $(TTFA_ARGS)

# libFuzzer targets: `make fuzz` runs each for FUZZ_SECONDS (default 600); CI runs the smoke.
FUZZ_SECONDS ?= 600
fuzz: deps
	scripts/fuzz.sh $(FUZZ_SECONDS)

fuzz-smoke: deps
	scripts/fuzz.sh 20
