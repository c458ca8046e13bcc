// Package readmodel is Shoal's built-in exporter: it turns the record
// stream of a node's partitions into query indexes, and answers the search
// API (Camunda 8 REST v2 /…/search and GET by key) and the monitor's extras
// (element statistics, an instance's timeline, live feeds of changes).
//
// Storage: its own pebble database (DataDir/readmodel), not the node's. The
// node's partition data is replaced wholesale when a replica installs a
// raft snapshot, and its exporter positions with it; the read model must
// keep its indexes and its position together instead, so it keeps both in
// one database and writes them in one synced batch per Export. A restart
// resumes at the stored position; a batch offered again after a crash is
// skipped record by record (its positions are at or below the stored one).
//
//	'P' pid             last exported position of a partition
//	'd'/'x' defKey      process definition / its BPMN XML
//	'i' piKey           process instance (+ its count of open incidents)
//	'e' 'v' 'c' 'j' key element instance, variable, incident, job
//	'I' piKey kind key  an instance's element instances, variables, incidents, jobs
//	'S' defKey elemId   counters: active, completed, canceled, incidents
//	'T' endDate piKey   finished instances, oldest first (retention)
//
// Entities are stored as JSON in their API shape (Camunda's field names).
// One database serves every partition of the node; keys carry their
// partition, so the partitions' indexes merge by construction and a search
// fans out over all local partitions in one scan. Definitions deployed to
// several partitions share one key and one entry.
//
// Queries: Camunda's filter operators ($eq, $neq, $exists, $in, $notIn,
// $like, $gt, $gte, $lt, $lte) on any scalar field of the result, sort by
// any such field (ties by key), pages by limit with from, after or before
// (opaque cursors carrying the sort values and key of an item, so a page
// boundary survives inserts and deletes). A search scans the entity's
// prefix (or, when the filter pins processInstanceKey, only that instance's
// index), filters, sorts and pages in memory: cost grows with the number of
// stored entities of that kind; see BenchmarkSearch for figures.
//
// Retention: instances that ended more than Config.Retention ago (7 days by
// default) are removed in the background with everything indexed under
// them; the definition statistics forget their finished element instances.
//
// Writers (Export, one goroutine per partition, and retention) are
// serialized by one mutex; queries read pebble snapshots and never block
// them. Live feeds get each change after its batch is committed.
//
// Cluster: each node's read model holds the partitions the node
// replicates (leader or follower: every replica has the record log). With
// a replication factor equal to the cluster size, that is every partition.
// Config.Partitions names them; the gateway asks other nodes for the rest
// (Query.Partitions restricts a search to the partitions a node answers
// for; PartQuery and Merge combine the parts with exact offset and cursor
// pages); the gateway sums definition statistics over the nodes.
package readmodel
