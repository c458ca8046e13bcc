package broker

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/shoalbpm/shoal/broker/cluster"
	"github.com/shoalbpm/shoal/engine/record"
)

// TestMain lets the test binary run a node as a child process, so a test
// can SIGKILL it: with SHOAL_TEST_CHILD_DIR set, it runs a node on that
// directory and SHOAL_TEST_CHILD_ADDR until it is killed; for a cluster,
// SHOAL_TEST_CHILD_PEERS lists every node's address and
// SHOAL_TEST_CHILD_NODE is this node's id.
func TestMain(m *testing.M) {
	if dir := os.Getenv("SHOAL_TEST_CHILD_DIR"); dir != "" {
		cfg := fastConfig(dir)
		cfg.InternalBind = os.Getenv("SHOAL_TEST_CHILD_ADDR")
		if peers := os.Getenv("SHOAL_TEST_CHILD_PEERS"); peers != "" {
			cfg.Peers = strings.Split(peers, ",")
			cfg.ClusterSize = int32(len(cfg.Peers))
			id, _ := strconv.Atoi(os.Getenv("SHOAL_TEST_CHILD_NODE"))
			cfg.NodeID = int32(id)
			cfg.PartitionsCount = 2
		}
		if _, err := NewNode(cfg); err != nil {
			fmt.Fprintln(os.Stderr, "child node:", err)
			os.Exit(1)
		}
		select {} // until killed
	}
	os.Exit(m.Run())
}

// child is a node running in a subprocess of the test.
type child struct {
	t    *testing.T
	dir  string
	addr string
	env  []string // cluster settings, if any
	cmd  *exec.Cmd
	cl   *cluster.Client
}

func (c *child) start() {
	c.t.Helper()
	c.cmd = exec.Command(os.Args[0], "-test.run=^$")
	c.cmd.Env = append(os.Environ(), "SHOAL_TEST_CHILD_DIR="+c.dir, "SHOAL_TEST_CHILD_ADDR="+c.addr)
	c.cmd.Env = append(c.cmd.Env, c.env...)
	c.cmd.Stderr = os.Stderr
	if err := c.cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
}

func (c *child) kill() {
	c.t.Helper()
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		c.t.Fatal(err)
	}
	_ = c.cmd.Wait()
}

// submit sends a command to the child's partition 1 over the internal port.
func (c *child) submit(ctx context.Context, vt record.ValueType, intent record.Intent, key int64, v record.Value) (record.Record, error) {
	return c.submitTo(ctx, 1, vt, intent, key, v)
}

func (c *child) submitTo(ctx context.Context, partitionID int32, vt record.ValueType, intent record.Intent, key int64, v record.Value) (record.Record, error) {
	resp, err := c.cl.Do(ctx, c.addr, cluster.Request{Op: cluster.OpSubmit, PartitionID: partitionID, Command: record.Record{
		Key: key, SourceRecordPosition: -1, RecordType: record.Command, ValueType: vt, Intent: intent, Value: v}})
	if err != nil {
		return record.Record{}, err
	}
	if err := remoteError(resp); err != nil {
		return record.Record{}, err
	}
	if resp.Record.RecordType == record.CommandRejection {
		return resp.Record, fmt.Errorf("rejected: %s", resp.Record.RejectionReason)
	}
	return resp.Record, nil
}

// must retries a command until the (re)starting child accepts it.
func (c *child) must(vt record.ValueType, intent record.Intent, key int64, v record.Value) record.Record {
	c.t.Helper()
	return c.mustTo(1, vt, intent, key, v)
}

func (c *child) mustTo(partitionID int32, vt record.ValueType, intent record.Intent, key int64, v record.Value) record.Record {
	c.t.Helper()
	var rec record.Record
	checkFor(c.t, 20*time.Second, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		var err error
		rec, err = c.submitTo(ctx, partitionID, vt, intent, key, v)
		return err
	})
	return rec
}

// topology asks the child who leads what.
func (c *child) topology() (BrokerInfo, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	resp, err := c.cl.Do(ctx, c.addr, cluster.Request{Op: cluster.OpTopology})
	if err != nil {
		return BrokerInfo{}, err
	}
	var info BrokerInfo
	if resp.Status != cluster.StatusOK {
		return info, remoteError(resp)
	}
	return info, json.Unmarshal(resp.Body, &info)
}

func TestSIGKILLUnderLoadLosesNoAcknowledgedInstance(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a node in a subprocess")
	}
	c := &child{t: t, dir: t.TempDir(), addr: freePorts(t, 1)[0], cl: cluster.NewClient()}
	defer c.cl.Close()
	c.start()
	defer func() { c.cmd.Process.Kill(); c.cmd.Wait() }()
	c.must(record.Deployment, record.Create, -1,
		&record.DeploymentRecord{Resources: []record.Resource{{ResourceName: "one-task.bpmn", Resource: []byte(oneTask)}}})

	// A load of 1,000 creations from 16 clients; SIGKILL once 300 are in.
	var mu sync.Mutex
	acked := map[int64]bool{}
	killed := make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < 1000; i += 16 {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				rec, err := c.submit(ctx, record.ProcessInstanceCreation, record.Create, -1,
					&record.ProcessInstanceCreationRecord{BpmnProcessID: "one-task", Version: -1})
				cancel()
				if err != nil {
					return // the node is gone
				}
				mu.Lock()
				acked[rec.Value.(*record.ProcessInstanceCreationRecord).ProcessInstanceKey] = true
				if len(acked) == 300 {
					once.Do(func() { close(killed) })
				}
				mu.Unlock()
			}
		}()
	}
	<-killed
	c.kill()
	wg.Wait()
	t.Logf("%d instances acknowledged before SIGKILL", len(acked))

	c.start()
	found := map[int64]bool{}
	for {
		rec := c.must(record.JobBatch, record.Activate, -1,
			&record.JobBatchRecord{Type: "work", Worker: "test", Timeout: 300_000, MaxJobsToActivate: 200})
		batch := rec.Value.(*record.JobBatchRecord)
		if len(batch.JobKeys) == 0 {
			break
		}
		for i, key := range batch.JobKeys {
			found[batch.Jobs[i].ProcessInstanceKey] = true
			c.must(record.Job, record.Complete, key, &record.JobRecord{})
		}
	}
	for key := range acked {
		if !found[key] {
			t.Errorf("acknowledged instance %d lost in the crash", key)
		}
	}
	if len(found) > 1000 {
		t.Errorf("%d instances after the crash, more than were ever sent", len(found))
	}
}
