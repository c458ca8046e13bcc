package engine_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/shoalbpm/shoal/engine"
	. "github.com/shoalbpm/shoal/engine/enginetest"
	"github.com/shoalbpm/shoal/engine/record"
)

func taskOf(id, jobType string) string {
	return Process(id).Start("s").ServiceTask("t", jobType).End("e").Chain("s", "t", "e").XML()
}

// lines renders records as "TYPE VALUE_TYPE INTENT partition" (the
// COMMAND_DISTRIBUTION value's partition, else the record's).
func lines(rs Stream) []string {
	var out []string
	for _, r := range rs {
		p := r.PartitionID
		if v, ok := r.Value.(*record.CommandDistributionRecord); ok {
			p = v.PartitionID
		}
		out = append(out, fmt.Sprintf("%s %s %s %d", r.RecordType, r.ValueType, r.Intent, p))
	}
	return out
}

func TestDistribution_DeploymentReachesEveryPartitionWithItsKeysAndVersions(t *testing.T) {
	c := NewCluster(t, 3)
	origin := c.Part(1)
	dep := origin.Deploy("order.bpmn", taskOf("order", "pack"))
	delivered := c.Relay(nil)

	equalStrings(t, "origin records", lines(origin.Records()), []string{
		"COMMAND DEPLOYMENT CREATE 1",
		"EVENT PROCESS CREATED 1",
		"EVENT DEPLOYMENT CREATED 1",
		"EVENT COMMAND_DISTRIBUTION STARTED 1",
		"EVENT COMMAND_DISTRIBUTION DISTRIBUTING 2",
		"EVENT COMMAND_DISTRIBUTION DISTRIBUTING 3",
		"COMMAND COMMAND_DISTRIBUTION ACKNOWLEDGE 2",
		"EVENT COMMAND_DISTRIBUTION ACKNOWLEDGED 2",
		"COMMAND COMMAND_DISTRIBUTION ACKNOWLEDGE 3",
		"EVENT COMMAND_DISTRIBUTION ACKNOWLEDGED 3",
		"EVENT COMMAND_DISTRIBUTION FINISHED 1",
	})
	if len(delivered) != 4 {
		t.Fatalf("delivered %d commands, want 2 deployments and 2 acknowledgements", len(delivered))
	}
	for _, id := range []int32{2, 3} {
		p := c.Part(id)
		equalStrings(t, fmt.Sprintf("partition %d records", id), lines(p.Records()), []string{
			fmt.Sprintf("COMMAND DEPLOYMENT CREATE %d", id),
			fmt.Sprintf("EVENT PROCESS CREATED %d", id),
			fmt.Sprintf("EVENT DEPLOYMENT CREATED %d", id),
		})
		got := p.Records().Events().ValueType(record.Process)[0].Value.(*record.ProcessRecord)
		want := dep.ProcessesMetadata[0]
		if got.ProcessDefinitionKey != want.ProcessDefinitionKey || got.Version != 1 || record.PartitionOf(got.ProcessDefinitionKey) != 1 {
			t.Fatalf("partition %d: process %+v, want key %d version 1", id, got, want.ProcessDefinitionKey)
		}
		pik := p.CreateInstance("order", nil)
		if record.PartitionOf(pik) != id {
			t.Fatalf("instance key %d is not of partition %d", pik, id)
		}
		jobs := p.ActivateJobs("pack", 1)
		if len(jobs) != 1 {
			t.Fatalf("partition %d: %d jobs", id, len(jobs))
		}
		p.CompleteJob(jobs[0].Key, nil)
		if !isCompleted(p, pik) {
			t.Fatalf("partition %d: instance did not complete", id)
		}
	}
	pending, err := origin.Engine.PendingOutbound(origin.KV)
	if err != nil || len(pending) != 0 {
		t.Fatalf("pending outbound after every acknowledgement = %v, %v", pending, err)
	}
}

func TestDistribution_LostCommandsAreResentFromTheOutboxAndAppliedOnce(t *testing.T) {
	c := NewCluster(t, 3)
	origin := c.Part(1)
	origin.Deploy("order.bpmn", taskOf("order", "pack"))
	// Partition 3 is down: the command never arrives, and no ack.
	c.Relay(func(o engine.Outbound) bool { return o.Partition == 3 })

	pending, err := origin.Engine.PendingOutbound(origin.KV)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || pending[0].Partition != 3 || pending[0].Record.ValueType != record.Deployment ||
		pending[0].Record.Intent != record.Create || pending[0].Record.Value.(*record.DeploymentRecord).Resources == nil {
		t.Fatalf("pending = %+v, want the deployment for partition 3", pending)
	}
	// A new leader sends the outbox; the old one's send arrives too.
	for range 2 {
		c.Part(3).Submit(pending[0].Record)
	}
	c.Relay(nil)

	p3 := c.Part(3).Records()
	if n := len(p3.Events().ValueType(record.Deployment)); n != 1 {
		t.Fatalf("partition 3 wrote %d DEPLOYMENT CREATED, want 1", n)
	}
	acks := origin.Records().ValueType(record.CommandDistribution)
	equalStrings(t, "origin acknowledgements", lines(acks.Intent(record.Acknowledged, record.Finished)), []string{
		"EVENT COMMAND_DISTRIBUTION ACKNOWLEDGED 2",
		"EVENT COMMAND_DISTRIBUTION ACKNOWLEDGED 3",
		"EVENT COMMAND_DISTRIBUTION FINISHED 1",
	})
	rej := origin.Records().Rejections()
	if len(rej) != 1 || rej[0].RejectionType != record.NotFound || rej[0].Intent != record.Acknowledge {
		t.Fatalf("rejections = %v, want the repeated acknowledgement refused NOT_FOUND", lines(rej))
	}
	if pending, _ := origin.Engine.PendingOutbound(origin.KV); len(pending) != 0 {
		t.Fatalf("pending after the acknowledgement = %+v", pending)
	}
	pik := c.Part(3).CreateInstance("order", nil)
	if record.PartitionOf(pik) != 3 {
		t.Fatalf("instance key %d", pik)
	}
}

func TestDistribution_VersionsArriveOutOfOrder(t *testing.T) {
	c := NewCluster(t, 2)
	origin := c.Part(1)
	origin.Deploy("order.bpmn", taskOf("order", "pack"))
	v1 := origin.TakeOutbound()
	origin.Deploy("order.bpmn", taskOf("order", "ship"))
	v2 := origin.TakeOutbound()
	origin.Deploy("order.bpmn", taskOf("order", "pack")) // a new version 3, not a duplicate of 1
	for _, o := range slices.Concat(origin.TakeOutbound(), v2, v1) {
		c.Part(o.Partition).Submit(o.Record)
	}
	c.Relay(nil)

	var versions []string
	for _, r := range c.Part(2).Records().Events().ValueType(record.Process) {
		p := r.Value.(*record.ProcessRecord)
		versions = append(versions, fmt.Sprintf("v%d", p.Version))
	}
	equalStrings(t, "versions created on partition 2", versions, []string{"v3", "v2", "v1"})
	pik := c.Part(2).CreateInstance("order", nil)
	jobs := c.Part(2).ActivateJobs("pack", 1)
	if len(jobs) != 1 || jobs[0].ProcessInstanceKey != pik || jobs[0].ProcessDefinitionVersion != 3 {
		t.Fatalf("jobs = %+v, want the latest version's (3)", jobs)
	}
	if pending, _ := origin.Engine.PendingOutbound(origin.KV); len(pending) != 0 {
		t.Fatalf("pending = %+v", pending)
	}
}

func TestDistribution_RecordsRoundTrip(t *testing.T) {
	c := NewCluster(t, 2)
	c.Part(1).Deploy("order.bpmn", taskOf("order", "pack"))
	c.Relay(nil)
	for _, r := range c.Part(1).Records().ValueType(record.CommandDistribution) {
		b, err := record.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		back, err := record.Unmarshal(b)
		if err != nil {
			t.Fatal(err)
		}
		b2, _ := record.Marshal(back)
		if string(b) != string(b2) {
			t.Fatalf("%s %s does not round-trip", r.ValueType, r.Intent)
		}
	}
}

func TestDistribution_DeploymentsAreTakenOnPartitionOneOnly(t *testing.T) {
	c := NewCluster(t, 2)
	reason := c.Part(2).DeployRejected("order.bpmn", taskOf("order", "pack"))
	if reason != "Expected to deploy on partition 1, the deployment partition, but this is partition 2" {
		t.Fatalf("reason = %q", reason)
	}
	if out := c.Part(2).TakeOutbound(); len(out) != 0 {
		t.Fatalf("a rejected deployment sent %+v", out)
	}
	// A single partition is partition 1.
	New(t).Deploy("order.bpmn", taskOf("order", "pack"))
}
