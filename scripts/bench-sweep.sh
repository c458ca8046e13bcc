#!/bin/sh
# bench-sweep.sh: the open-loop sweep behind docs/benchmarks.md's chart.
# For each offered rate, and for push-stream and long-polling workers, one
# `shoal bench --embedded` run of one_task on a fresh node (so one run's
# leftovers do not slow the next), one JSON line each, then the SVG chart.
#
#   scripts/bench-sweep.sh [OUT.jsonl] [RATES]
#   RATES default "200 400 600 800 1000 1200"; DURATION default 10s.
set -eu
out=${1:-docs/bench/sweep.jsonl}
rates=${2:-"200 400 600 800 1000 1200"}
duration=${DURATION:-10s}
bin=${BIN:-bin/shoal}
[ -x "$bin" ] || go build -o "$bin" ./cmd/shoal
: >"$out"
for rate in $rates; do
  for jobs in stream poll; do
    echo "one_task at $rate/s, $jobs workers (load average: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    "$bin" bench --embedded --json --workload one_task --rate "$rate" --duration "$duration" \
      --warmup 2s "--$jobs" >>"$out"
  done
done
go run ./scripts/benchchart -o "${out%.jsonl}.svg" "$out"
echo "wrote $out and ${out%.jsonl}.svg" >&2
