// Package deployment processes DEPLOYMENT CREATE: one or more BPMN
// resources, deployed atomically.
//
// Each resource is parsed and compiled; any problem rejects the whole
// deployment (INVALID_ARGUMENT) with every located problem in the reason.
// A process whose resource is unchanged since its latest version is a
// duplicate: it keeps its version and key. Otherwise it gets the next
// version and a new key, and a PROCESS CREATED event carries the resource.
//
// Distribution: versions and keys are decided here, on the deploying
// partition, and written into DEPLOYMENT CREATED; then the deployment is
// sent to every other partition (engine/distribution, COMMAND_DISTRIBUTION
// STARTED/DISTRIBUTING). There DEPLOYMENT CREATE arrives keyed by the
// distribution key (a key of the sending partition): the processes whose
// keys are unknown are stored as they are (PROCESS CREATED), then
// DEPLOYMENT CREATED, and the command is acknowledged; a deployment already
// stored is only acknowledged again. Deployments are taken on partition 1
// only (DeploymentPartition; the gateway sends them there); elsewhere they
// are rejected, since two partitions would each number the versions.
package deployment
