// Package fakecluster is a hand-written, in-memory broker.Cluster for the
// gateway's unit tests. It must never serve users: it has no log, no raft
// and no engine. It keeps just enough job state (activatable, activated,
// done) to test activation, long polling and the push stream, and lets a
// test script the answer to any other command.
package fakecluster

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/shoalbpm/shoal/broker"
	"github.com/shoalbpm/shoal/engine/record"
)

// Handler answers one command.
type Handler func(partition int32, cmd record.Record) (record.Record, error)

type job struct {
	partition int32
	rec       record.JobRecord
	activated bool
}

// Cluster is the fake. The zero value is not usable; call New.
type Cluster struct {
	mu        sync.Mutex
	parts     int32
	counter   int64
	jobs      map[int64]*job
	ready     map[int32][]int64 // per partition, activatable job keys in order (may hold stale keys)
	handlers  map[string]Handler
	watchers  map[string]map[chan struct{}]struct{}
	submitted []record.Record
	fail      error
}

// New returns a fake cluster with the given number of partitions.
func New(partitions int32) *Cluster {
	return &Cluster{
		parts:    partitions,
		jobs:     make(map[int64]*job),
		ready:    make(map[int32][]int64),
		handlers: make(map[string]Handler),
		watchers: make(map[string]map[chan struct{}]struct{}),
	}
}

func hkey(vt record.ValueType, in record.Intent) string { return string(vt) + "/" + string(in) }

// Handle scripts the answer to commands of (vt, intent).
func (c *Cluster) Handle(vt record.ValueType, in record.Intent, h Handler) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.handlers[hkey(vt, in)] = h
}

// FailWith makes every Submit fail with err (nil: stop failing).
func (c *Cluster) FailWith(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fail = err
}

// Submitted returns the commands submitted so far.
func (c *Cluster) Submitted() []record.Record {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]record.Record(nil), c.submitted...)
}

// AddJob creates an activatable job and wakes the watchers of its type.
func (c *Cluster) AddJob(partition int32, typ string, vars map[string]any) int64 {
	c.mu.Lock()
	c.counter++
	key := record.NewKey(partition, c.counter)
	c.jobs[key] = &job{partition: partition, rec: record.JobRecord{
		Type: typ, Retries: 3, Variables: vars, ElementID: "task", BpmnProcessID: "process",
		ProcessDefinitionVersion: 1, ProcessDefinitionKey: record.NewKey(partition, 1),
		ProcessInstanceKey: record.NewKey(partition, 2), ElementInstanceKey: record.NewKey(partition, 3),
		CustomHeaders: map[string]string{}, TenantID: record.DefaultTenant,
	}}
	c.ready[partition] = append(c.ready[partition], key)
	c.mu.Unlock()
	c.notify(typ)
	return key
}

// JobState reports "activatable", "activated" or "gone".
func (c *Cluster) JobState(key int64) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	j, ok := c.jobs[key]
	switch {
	case !ok:
		return "gone"
	case j.activated:
		return "activated"
	}
	return "activatable"
}

// Submit implements broker.Cluster.
func (c *Cluster) Submit(ctx context.Context, partition int32, cmd record.Record) (record.Record, error) {
	if err := ctx.Err(); err != nil {
		return record.Record{}, err
	}
	c.mu.Lock()
	if c.fail != nil {
		err := c.fail
		c.mu.Unlock()
		return record.Record{}, err
	}
	if partition < 1 || partition > c.parts {
		c.mu.Unlock()
		return record.Record{}, broker.ErrUnknownPartition
	}
	cmd.PartitionID = partition
	c.submitted = append(c.submitted, cmd)
	h := c.handlers[hkey(cmd.ValueType, cmd.Intent)]
	c.mu.Unlock()
	if h != nil {
		return h(partition, cmd)
	}
	switch cmd.ValueType {
	case record.JobBatch:
		return c.activate(partition, cmd)
	case record.Job:
		return c.jobCommand(cmd)
	}
	return record.Record{}, fmt.Errorf("fakecluster: no handler for %s %s", cmd.ValueType, cmd.Intent)
}

func (c *Cluster) activate(partition int32, cmd record.Record) (record.Record, error) {
	req := cmd.Value.(*record.JobBatchRecord)
	c.mu.Lock()
	defer c.mu.Unlock()
	out := &record.JobBatchRecord{Type: req.Type, Worker: req.Worker, Timeout: req.Timeout}
	now := time.Now().UnixMilli()
	queue := c.ready[partition]
	var keep []int64
	for i, key := range queue {
		if int32(len(out.Jobs)) >= req.MaxJobsToActivate {
			keep = append(keep, queue[i:]...)
			break
		}
		j, ok := c.jobs[key]
		if !ok || j.activated {
			continue // stale: done or already activated
		}
		if j.rec.Type != req.Type {
			keep = append(keep, key)
			continue
		}
		j.activated = true
		j.rec.Worker, j.rec.Deadline = req.Worker, now+req.Timeout
		out.JobKeys = append(out.JobKeys, key)
		out.Jobs = append(out.Jobs, j.rec)
	}
	c.ready[partition] = keep
	return Answer(cmd, record.Event, record.Activated, out), nil
}

func (c *Cluster) jobCommand(cmd record.Record) (record.Record, error) {
	c.mu.Lock()
	j, ok := c.jobs[cmd.Key]
	if !ok {
		c.mu.Unlock()
		return Reject(cmd, record.NotFound, fmt.Sprintf("Expected to find job with key '%d', but no such job was found", cmd.Key)), nil
	}
	typ := j.rec.Type
	notify := false
	switch cmd.Intent {
	case record.Complete, record.ThrowError:
		delete(c.jobs, cmd.Key)
	case record.Fail:
		j.activated = false
		j.rec.Retries = cmd.Value.(*record.JobRecord).Retries
		c.ready[j.partition] = append(c.ready[j.partition], cmd.Key)
		notify = true
	case record.Yield:
		if !j.activated {
			c.mu.Unlock()
			return Reject(cmd, record.InvalidState, "Expected job to be activated"), nil
		}
		j.activated = false
		c.ready[j.partition] = append(c.ready[j.partition], cmd.Key)
		notify = true
	case record.UpdateRetries:
		j.rec.Retries = cmd.Value.(*record.JobRecord).Retries
	}
	rec := j.rec
	c.mu.Unlock()
	if notify {
		c.notify(typ)
	}
	return Answer(cmd, record.Event, jobEvents[cmd.Intent], &rec), nil
}

var jobEvents = map[record.Intent]record.Intent{
	record.Complete: record.Completed, record.Fail: record.Failed, record.ThrowError: record.ErrorThrown,
	record.Yield: record.Yielded, record.UpdateRetries: record.RetriesUpdated, record.UpdateTimeout: record.TimeoutUpdated,
}

// Answer builds an event answering cmd.
func Answer(cmd record.Record, rt record.RecordType, in record.Intent, v record.Value) record.Record {
	return record.Record{Key: cmd.Key, PartitionID: cmd.PartitionID, RecordType: rt, ValueType: cmd.ValueType, Intent: in, Value: v}
}

// Reject builds a rejection of cmd.
func Reject(cmd record.Record, t record.RejectionType, reason string) record.Record {
	r := cmd
	r.RecordType, r.RejectionType, r.RejectionReason = record.CommandRejection, t, reason
	return r
}

// Topology implements broker.Cluster: one node leading every partition.
func (c *Cluster) Topology() broker.Topology {
	b := broker.BrokerInfo{NodeID: 0, Host: "localhost", Port: 8080, Version: "test"}
	for p := int32(1); p <= c.parts; p++ {
		b.Partitions = append(b.Partitions, broker.PartitionInfo{PartitionID: p, Role: "leader", Health: "healthy"})
	}
	return broker.Topology{ClusterSize: 1, PartitionsCount: c.parts, ReplicationFactor: 1, Brokers: []broker.BrokerInfo{b}}
}

// WatchJobs implements broker.Cluster.
func (c *Cluster) WatchJobs(typ string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	c.mu.Lock()
	if c.watchers[typ] == nil {
		c.watchers[typ] = make(map[chan struct{}]struct{})
	}
	c.watchers[typ][ch] = struct{}{}
	c.mu.Unlock()
	return ch, func() {
		c.mu.Lock()
		delete(c.watchers[typ], ch)
		c.mu.Unlock()
	}
}

// Watchers returns how many watches of typ are open.
func (c *Cluster) Watchers(typ string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.watchers[typ])
}

func (c *Cluster) notify(typ string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for ch := range c.watchers[typ] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}
