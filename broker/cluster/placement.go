package cluster

// Members returns the nodes hosting replicas of partitionID (1-based), Zeebe's
// round-robin placement: partition p is on nodes (p-1+i) mod clusterSize for
// i in 0..replicationFactor-1. The first member bootstraps the partition and
// so usually leads it first, which spreads leaders over the nodes.
func Members(partitionID, clusterSize, replicationFactor int32) []int32 {
	rf := min(replicationFactor, clusterSize)
	out := make([]int32, 0, rf)
	for i := int32(0); i < rf; i++ {
		out = append(out, (partitionID-1+i)%clusterSize)
	}
	return out
}

// Hosts reports whether nodeID hosts a replica of partitionID.
func Hosts(nodeID, partitionID, clusterSize, replicationFactor int32) bool {
	for _, m := range Members(partitionID, clusterSize, replicationFactor) {
		if m == nodeID {
			return true
		}
	}
	return false
}
