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
// partition, and written into DEPLOYMENT CREATED. A later issue can send
// that record to the other partitions (Zeebe's DEPLOYMENT DISTRIBUTE /
// COMMAND_DISTRIBUTION), where the PROCESS and DEPLOYMENT appliers store the
// processes as they are, without assigning anything again.
package deployment
