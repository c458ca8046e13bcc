#!/usr/bin/env bash
# cluster.sh — run a three-node Shoal cluster on 127.0.0.1 for trying it out.
#
#   scripts/cluster.sh [partitions]      build bin/shoal, start nodes 0..2, wait for Ctrl-C
#
# Node i serves HTTP (REST API, /metrics, /health, /ready) on 8080+i and
# raft/broker traffic on 26502+10*i; data lives in ./cluster-data/node<i>,
# logs in ./cluster-data/node<i>.log. Partitions (default 3) are replicated
# on all three nodes. Try:
#
#   curl -s localhost:8080/v2/topology
#   bin/shoal deploy testdata/bpmn/service-task.bpmn      # see `bin/shoal --help`
#   kill -9 <pid of a node>; curl -s localhost:8081/v2/topology  # a new leader takes over
#
# Ctrl-C stops all three nodes cleanly. Re-running keeps the data; remove
# ./cluster-data to start afresh.
set -euo pipefail

partitions="${1:-3}"
cd "$(dirname "$0")/.."
go build -o bin/shoal ./cmd/shoal
mkdir -p cluster-data
peers="127.0.0.1:26502,127.0.0.1:26512,127.0.0.1:26522"

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
		--peers "$peers" --internal-addr "127.0.0.1:$((26502 + 10 * i))" \
		--http-addr "127.0.0.1:$((8080 + i))" --data-dir "cluster-data/node$i" \
		--raft-heartbeat-timeout 200ms --raft-election-timeout 200ms --raft-leader-lease-timeout 100ms \
		>"cluster-data/node$i.log" 2>&1 &
	pids+=("$!")
	echo "node $i: pid $!, http://127.0.0.1:$((8080 + i)), log cluster-data/node$i.log"
done

for i in 0 1 2; do
	for _ in $(seq 1 100); do
		curl -sf "http://127.0.0.1:$((8080 + i))/ready" >/dev/null && break
		sleep 0.1
	done
done
echo "cluster ready: curl -s localhost:8080/v2/topology  (Ctrl-C to stop)"
wait "${pids[@]}"
