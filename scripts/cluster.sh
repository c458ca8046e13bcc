#!/usr/bin/env bash
# cluster.sh — run a three-node Shoal cluster on 127.0.0.1 for trying it out.
#
#   scripts/cluster.sh [partitions] [broker flags...]
#
# builds bin/shoal, starts nodes 0..2 and waits for Ctrl-C. Node i serves
# HTTP (REST API, /metrics, /health, /ready) on 8080+i and raft/broker
# traffic on 26502+10*i; data lives in ./cluster-data/node<i>, logs in
# ./cluster-data/node<i>.log. Partitions (default 3) are replicated on all
# three nodes. Flags after the partition count go to every node, e.g.
# `scripts/cluster.sh 3 --pprof --log-level warn`.
#
# Environment: SHOAL_CLUSTER_HTTP_PORT (first HTTP port, 8080),
# SHOAL_CLUSTER_INTERNAL_PORT (first internal port, 26502),
# SHOAL_CLUSTER_DIR (data and logs, ./cluster-data), SHOAL_CLUSTER_NO_BUILD=1
# (use bin/shoal as it is). Try:
#
#   curl -s localhost:8080/v2/topology
#   bin/shoal deploy testdata/bpmn/service-task.bpmn      # see `bin/shoal --help`
#   kill -9 <pid of a node>; curl -s localhost:8081/v2/topology  # a new leader takes over
#
# Ctrl-C stops all three nodes cleanly. Re-running keeps the data; remove
# the data directory to start afresh.
set -euo pipefail

partitions=3
if [[ $# -gt 0 && "$1" != -* ]]; then
	partitions="$1"
	shift
fi
http_port="${SHOAL_CLUSTER_HTTP_PORT:-8080}"
internal_port="${SHOAL_CLUSTER_INTERNAL_PORT:-26502}"
dir="${SHOAL_CLUSTER_DIR:-cluster-data}"
cd "$(dirname "$0")/.."
if [[ "${SHOAL_CLUSTER_NO_BUILD:-}" != 1 ]]; then
	go build -o bin/shoal ./cmd/shoal
fi
mkdir -p "$dir"
peers="127.0.0.1:$internal_port,127.0.0.1:$((internal_port + 10)),127.0.0.1:$((internal_port + 20))"

pids=()
stop() {
	echo "stopping nodes ${pids[*]}"
	# SIGTERM: background jobs of a script ignore SIGINT.
	kill -TERM "${pids[@]}" 2>/dev/null || true
	wait "${pids[@]}" 2>/dev/null || true
}
trap stop EXIT
trap "exit 130" INT TERM

for i in 0 1 2; do
	bin/shoal broker \
		--node-id "$i" --cluster-size 3 --partitions "$partitions" --replication-factor 3 \
		--peers "$peers" --internal-addr "127.0.0.1:$((internal_port + 10 * i))" \
		--http-addr "127.0.0.1:$((http_port + i))" --data-dir "$dir/node$i" \
		"$@" >"$dir/node$i.log" 2>&1 &
	pids+=("$!")
	echo "node $i: pid $!, http://127.0.0.1:$((http_port + i)), log $dir/node$i.log"
done

for i in 0 1 2; do
	ready=
	for _ in $(seq 1 300); do
		if curl -sf "http://127.0.0.1:$((http_port + i))/ready" >/dev/null; then
			ready=1
			break
		fi
		sleep 0.1
	done
	if [[ -z "$ready" ]]; then
		echo "node $i is not ready after 30 s; see $dir/node$i.log" >&2
		exit 1
	fi
done
echo "cluster ready: curl -s localhost:$http_port/v2/topology  (Ctrl-C to stop)"
wait "${pids[@]}"
