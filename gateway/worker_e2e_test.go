package gateway_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/gateway"
	"github.com/shoalbpm/shoal/gateway/client"
	"github.com/shoalbpm/shoal/gateway/internal/fakecluster"
)

// quiet discards logs unless SHOAL_TEST_LOG is set.
var quiet = func() *slog.Logger {
	if os.Getenv("SHOAL_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}()

func startGateway(t *testing.T, partitions int32) (*fakecluster.Cluster, *client.Client) {
	t.Helper()
	fc := fakecluster.New(partitions)
	gw := gateway.New(fc, gateway.Config{Logger: quiet, LongPollTimeout: 200 * time.Millisecond})
	srv := httptest.NewServer(gw.Handler())
	t.Cleanup(func() {
		gw.Close()
		srv.Close()
	})
	return fc, client.New(srv.URL, client.WithRetries(3, time.Millisecond))
}

func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	// Generous: only a failing test waits this long, and CI shares two cores
	// between raft, pebble and the race detector.
	deadline := time.Now().Add(45 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func allGone(fc *fakecluster.Cluster, keys []int64) bool {
	for _, k := range keys {
		if fc.JobState(k) != "gone" {
			return false
		}
	}
	return true
}

func TestGoWorkerCompletesEveryJob(t *testing.T) {
	for _, pollOnly := range []bool{false, true} {
		name := map[bool]string{false: "push stream", true: "long polling"}[pollOnly]
		t.Run(name, func(t *testing.T) {
			fc, c := startGateway(t, 3)
			var running, maxRunning atomic.Int32
			w := c.NewJobWorker("pay", func(ctx context.Context, j client.Job) (any, error) {
				n := running.Add(1)
				defer running.Add(-1)
				for m := maxRunning.Load(); n > m && !maxRunning.CompareAndSwap(m, n); m = maxRunning.Load() {
				}
				time.Sleep(time.Millisecond)
				return map[string]bool{"paid": true}, nil
			}, client.WorkerOptions{MaxActiveJobs: 4, PollOnly: pollOnly, Logger: quiet})
			defer w.Close()
			var keys []int64
			for i := 0; i < 200; i++ {
				keys = append(keys, fc.AddJob(int32(i%3)+1, "pay", nil))
			}
			waitFor(t, "every job to be completed", func() bool { return allGone(fc, keys) })
			if w.Polling() != pollOnly {
				t.Fatalf("polling = %v, want %v", w.Polling(), pollOnly)
			}
			if m := maxRunning.Load(); m > 4 {
				t.Fatalf("%d handlers ran at once, more than MaxActiveJobs 4", m)
			}
			for _, cmd := range fc.Submitted() {
				if cmd.Intent == record.Complete && cmd.Value.(*record.JobRecord).Variables["paid"] != true {
					t.Fatalf("completed without the handler's variables: %+v", cmd.Value)
				}
			}
		})
	}
}

func TestGoWorkerFailsWithBackoffAndThrowsBPMNErrors(t *testing.T) {
	fc, c := startGateway(t, 1)
	var calls atomic.Int32
	w := c.NewJobWorker("pay", func(ctx context.Context, j client.Job) (any, error) {
		switch calls.Add(1) {
		case 1:
			return nil, errors.New("card declined")
		case 2:
			return nil, &client.BPMNError{Code: "NO_FUNDS", Message: "empty account"}
		}
		panic("no third call expected")
	}, client.WorkerOptions{MaxActiveJobs: 1, Logger: quiet})
	defer w.Close()
	key := fc.AddJob(1, "pay", nil)
	waitFor(t, "the job to be errored", func() bool { return fc.JobState(key) == "gone" })
	var fail, thrown *record.JobRecord
	for _, cmd := range fc.Submitted() {
		switch cmd.Intent {
		case record.Fail:
			fail = cmd.Value.(*record.JobRecord)
		case record.ThrowError:
			thrown = cmd.Value.(*record.JobRecord)
		}
	}
	if fail == nil || fail.Retries != 2 || fail.RetryBackoff != 1000 || fail.ErrorMessage != "card declined" {
		t.Fatalf("fail = %+v, want retries 2, back-off 1s, the handler's message", fail)
	}
	if thrown == nil || thrown.ErrorCode != "NO_FUNDS" || thrown.ErrorMessage != "empty account" {
		t.Fatalf("throw error = %+v", thrown)
	}
}

func TestGoWorkerCloseFinishesTheRunningJobAndHandsBackTheRest(t *testing.T) {
	fc, c := startGateway(t, 1)
	started := make(chan string, 10)
	release := make(chan struct{})
	w := c.NewJobWorker("pay", func(ctx context.Context, j client.Job) (any, error) {
		started <- j.Key
		<-release
		return nil, nil
	}, client.WorkerOptions{MaxActiveJobs: 2, Concurrency: 1, PollOnly: true, Logger: quiet})
	k1 := fc.AddJob(1, "pay", nil)
	k2 := fc.AddJob(1, "pay", nil)
	first := <-started
	waitFor(t, "both jobs to be activated", func() bool {
		return fc.JobState(k1) == "activated" && fc.JobState(k2) == "activated"
	})
	closed := make(chan struct{})
	go func() {
		w.Close()
		close(closed)
	}()
	time.Sleep(20 * time.Millisecond) // let Close begin; it must wait for the handler
	select {
	case <-closed:
		t.Fatal("Close returned while a handler was running")
	default:
	}
	close(release)
	<-closed
	other := k2
	if first == itoa(k2) {
		other = k1
	}
	if fc.JobState(other) != "activatable" {
		t.Fatalf("the unstarted job is %s, want handed back", fc.JobState(other))
	}
	if w.Handled() != 1 {
		t.Fatalf("handled %d jobs, want 1", w.Handled())
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
