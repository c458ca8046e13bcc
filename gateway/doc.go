// Package gateway serves Shoal's HTTP API: the Camunda 8 REST API (v2) for
// what Shoal covers, so that Camunda's SDKs, curl scripts and job workers in
// any language work against Shoal by changing only the address, plus one
// Shoal extension, the job push stream (POST /v2/jobs/stream).
//
// Every request becomes one command record submitted through broker.Cluster
// to the partition that owns it: a key carries its partition
// (record.PartitionOf), new process instances go round-robin over the
// partitions, deployments go to partition 1 (the broker distributes them),
// and job activation asks every partition. The gateway never touches
// storage or raft; it depends only on broker.Cluster and engine/record.
//
// Errors are RFC 9457 problem documents (application/problem+json) whose
// status equals the HTTP status. Every error, whatever its origin (a
// rejected command, back-pressure, a timeout, bad input, an unknown route),
// is mapped in one table in problem.go.
//
// Layout: server.go wires echo and the routes (one table, also checked
// against openapi.json by a test); one file per resource (topology.go,
// deployments.go, process_instances.go, jobs.go, incidents.go,
// element_instances.go); job activation by long polling and the push stream
// live in gateway/jobstream; gateway/client is the Go client.
package gateway
