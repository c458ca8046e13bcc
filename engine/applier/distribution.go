package applier

import "github.com/shoalbpm/shoal/engine/record"

// The COMMAND_DISTRIBUTION appliers keep the sending partition's outbox:
// STARTED stores the command, DISTRIBUTING adds a receiver that has to
// acknowledge, ACKNOWLEDGED removes it, FINISHED forgets the command.

func distributionStarted(env *Env, r *record.Record) error {
	return env.State.PutDistribution(r.Key, r.Value.(*record.CommandDistributionRecord))
}

func distributionDistributing(env *Env, r *record.Record) error {
	return env.State.AddPendingDistribution(r.Key, r.Value.(*record.CommandDistributionRecord).PartitionID)
}

func distributionAcknowledged(env *Env, r *record.Record) error {
	return env.State.DeletePendingDistribution(r.Key, r.Value.(*record.CommandDistributionRecord).PartitionID)
}

func distributionFinished(env *Env, r *record.Record) error {
	return env.State.DeleteDistribution(r.Key)
}
