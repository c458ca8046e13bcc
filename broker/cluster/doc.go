// Package cluster is what the nodes of a Shoal cluster share: the placement
// of partitions on nodes, and one internal TCP port per node that carries
// every raft group and every broker-to-broker request.
//
// Every connection to the internal port starts with a header that says what
// it carries (RAFT-NOTES trap 5):
//
//	"SHL1" | kind u8 | partition u32
//
//	kind 'R': a raft connection of that partition; handed to the partition's
//	          StreamLayer, on which a raft.NetworkTransport runs.
//	kind 'M': broker requests (Submit forwarded to a leader, topology, job
//	          push), many in flight at once with ids, answered in any order:
//	          a Client keeps one such connection per node (muxconn.go).
//	kind 'C': the same requests one framed request and answer after another
//	          (rpc.go); a Client uses it for a node that refuses kind 'M'
//	          (an older binary).
//
// The acceptor reads the header in a goroutine of its own under a deadline,
// so a slow or hostile peer never blocks the port. Closing a partition's
// layer never closes the shared listener; Mux.Close does.
package cluster
