package broker

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/shoalbpm/shoal/engine/record"
)

// refusingStream advertises room but refuses every job a peer pushes, as a
// stream does that filled up or closed since its last advertisement.
type refusingStream struct{ *pushStream }

func (s *refusingStream) TryPush(int64, record.JobRecord) bool { return false }

func TestStreamOnAFollowerGetsJobsPushedByTheLeadersStep(t *testing.T) {
	c := startCluster(t, 3, 1, nil)
	leader := c.leader(1)
	var follower *Node
	for _, n := range c.nodes {
		if n != leader {
			follower = n
			break
		}
	}
	deploy(t, leader, 1)
	stream := newPushStream(t, 4)
	remove := follower.AddJobStream(stream)
	checkFor(t, 10*time.Second, func() error {
		if leader.streams.Len() == 0 {
			return errors.New("the leader has not heard of the follower's stream")
		}
		return nil
	})

	createInstance(t, follower, 1)
	var got pushedJob
	select {
	case got = <-stream.jobs:
	case <-time.After(10 * time.Second):
		t.Fatal("the job was not pushed to the follower's stream")
	}
	for _, r := range recordsOf(t, leader, 1) {
		if r.ValueType == record.JobBatch && r.RecordType == record.Command {
			t.Fatalf("a JOB_BATCH %s command was written: the job was activated, not pushed", r.Intent)
		}
	}
	completeJob(t, follower, got.key)
	stream.done(got.key)

	// The stream goes away: the leader drops its proxy after the next
	// advertisement (or pushStale).
	remove()
	checkFor(t, 10*time.Second, func() error {
		if n := leader.streams.Len(); n != 0 {
			return fmt.Errorf("the leader still offers %d streams", n)
		}
		return nil
	})
}

func TestJobRefusedByARemoteStreamIsYieldedAndPolledLater(t *testing.T) {
	c := startCluster(t, 3, 1, nil)
	leader := c.leader(1)
	var follower *Node
	for _, n := range c.nodes {
		if n != leader {
			follower = n
			break
		}
	}
	deploy(t, leader, 1)
	remove := follower.AddJobStream(&refusingStream{newPushStream(t, 4)})
	defer remove()
	checkFor(t, 10*time.Second, func() error {
		if leader.streams.Len() == 0 {
			return errors.New("the leader has not heard of the follower's stream")
		}
		return nil
	})
	createInstance(t, leader, 1)
	checkFor(t, 10*time.Second, func() error {
		for _, r := range recordsOf(t, leader, 1) {
			if r.ValueType == record.Job && r.Intent == record.Yielded {
				return nil
			}
		}
		return errors.New("no JOB YIELDED")
	})
	keys := activate(t, leader, 1, 10)
	if len(keys) != 1 {
		t.Fatalf("a poll activated %d jobs after the yield, want 1", len(keys))
	}
	completeJob(t, leader, keys[0])
	c.waitSameState(1)
}

func TestPushedJobsRoundTripTheInternalWire(t *testing.T) {
	s := &remoteStream{id: 7}
	in := []remotePush{
		{stream: s, key: record.NewKey(2, 5), job: record.JobRecord{Type: "work", Worker: "w", Deadline: 99,
			Variables: map[string]any{"a": 1.0, "b": []any{"x"}}}},
		{stream: s, key: record.NewKey(3, 6), job: record.JobRecord{Type: "work"}},
	}
	b, err := encodeRemotePushes(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := decodeRemotePushes(b)
	if err != nil || len(out) != 2 {
		t.Fatalf("decode = %+v, %v", out, err)
	}
	if out[0].stream != 7 || out[0].key != in[0].key || out[0].job.Worker != "w" || out[0].job.Deadline != 99 ||
		jsonString(out[0].job.Variables) != `{"a":1,"b":["x"]}` || out[1].key != in[1].key {
		t.Fatalf("decoded %+v", out)
	}
	for cut := 0; cut < len(b)-1; cut++ {
		if _, err := decodeRemotePushes(b[:cut]); err == nil {
			t.Fatalf("a batch cut at %d decoded", cut)
		}
	}
}
