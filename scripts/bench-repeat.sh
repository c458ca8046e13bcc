#!/bin/sh
# bench-repeat.sh: repeated open-loop runs of one_task at one rate, to see how
# a latency figure spreads from run to run (on a 2-vCPU VM, p99 at 1,500/s
# moved by a factor of two between runs of the same binary). Each run starts
# a fresh node (`shoal bench --embedded`), warms it up for 10 s and measures
# 15 s. Variants run in turn within each round, so that a slow spell of the
# machine hits all of them; each is a label and the environment given to
# `shoal bench` and the node it starts (e.g. GOMAXPROCS=2). Every result is
# one JSON line in OUT, with "label" added.
#
#   scripts/bench-repeat.sh OUT.jsonl RUNS RATE LABEL=VAR=VALUE|LABEL ...
#   JOBS default "stream"; JOBS="stream poll" runs both for each variant.
#
# docs/bench/one_task-1500-gomaxprocs.jsonl is six rounds of the same kind
# (a node started by hand with the same warm-up and window instead of
# --embedded): gomaxprocs2=GOMAXPROCS=2 with stream workers, and the default
# with stream and poll workers.
set -eu
out=$1 runs=$2 rate=$3
shift 3
bin=${BIN:-bin/shoal}
[ -x "$bin" ] || go build -o "$bin" ./cmd/shoal
i=0
while [ "$i" -lt "$runs" ]; do
  i=$((i + 1))
  for variant in "$@"; do
    label=${variant%%=*}
    assign=
    [ "$label" = "$variant" ] || assign=${variant#*=}
    for jobs in ${JOBS:-stream}; do
      echo "round $i: $label ($assign) $jobs at $rate/s (load average: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
      env $assign "$bin" bench --embedded --json --workload one_task --rate "$rate" \
        --warmup 10s --duration 15s "--$jobs" | sed "s/^{/{\"label\":\"$label\",/" >>"$out"
    done
  done
done
echo "wrote $out" >&2
