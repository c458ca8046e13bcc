#!/bin/sh
# bench-report.sh: every single-node figure of docs/benchmarks.md, as JSON
# lines under docs/bench/ (run it on a quiet machine, from the repository
# root; about ten minutes):
#   closed-loop.jsonl   each workload in the closed loop, push-stream workers,
#                       and one_task with long-polling workers
#   one_task-sweep.*    the open-loop sweep and its chart (bench-sweep.sh)
#   park.jsonl          100,000 instances waiting at a task (--park)
# Every run starts a fresh node (--embedded). RATES and PARK override the
# sweep's rates and the parked count.
set -eu
bin=${BIN:-bin/shoal}
[ -x "$bin" ] || go build -o "$bin" ./cmd/shoal
out=docs/bench
load() { echo "(load average: $(cut -d' ' -f1-3 /proc/loadavg))"; }

: >"$out/closed-loop.jsonl"
for w in one_task ten_tasks parallel gateway; do
  echo "closed loop: $w, push-stream workers $(load)" >&2
  "$bin" bench --embedded --json --workload "$w" --duration 10s >>"$out/closed-loop.jsonl"
done
echo "closed loop: one_task, long-polling workers $(load)" >&2
"$bin" bench --embedded --json --workload one_task --duration 10s --poll >>"$out/closed-loop.jsonl"

BIN=$bin scripts/bench-sweep.sh "$out/one_task-sweep.jsonl" "${RATES:-250 500 1000 1500 2000}"

echo "parking ${PARK:-100000} instances $(load)" >&2
"$bin" bench --embedded --json --workload one_task --park "${PARK:-100000}" >"$out/park.jsonl"
echo "wrote $out/closed-loop.jsonl, $out/one_task-sweep.{jsonl,svg}, $out/park.jsonl" >&2
