package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/shoalbpm/shoal/broker"
)

// parseSettings parses args for a broker command and loads env and file,
// without running a node.
func parseSettings(t *testing.T, args ...string) (*nodeSettings, error) {
	t.Helper()
	s := &nodeSettings{}
	cmd := &cobra.Command{Use: "broker", RunE: func(*cobra.Command, []string) error { return nil }}
	s.register(cmd.Flags(), true)
	if err := cmd.Flags().Parse(args); err != nil {
		t.Fatal(err)
	}
	return s, s.load(cmd)
}

func TestSettingsFlagBeatsEnvironmentBeatsFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "shoal.toml")
	err := os.WriteFile(file, []byte(`
data-dir = "/from/file"
partitions = 4
queue-size = 99
peers = ["a:1", "b:2", "c:3"]
raft-heartbeat-timeout = "250ms"
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("SHOAL_PARTITIONS", "5")
	t.Setenv("SHOAL_QUEUE_SIZE", "77")
	s, err := parseSettings(t, "--config", file, "--queue-size", "11")
	if err != nil {
		t.Fatal(err)
	}
	if s.dataDir != "/from/file" {
		t.Errorf("data-dir = %q, want the file's", s.dataDir)
	}
	if s.partitions != 5 {
		t.Errorf("partitions = %d, want the environment's 5", s.partitions)
	}
	if s.queueSize != 11 {
		t.Errorf("queue-size = %d, want the flag's 11", s.queueSize)
	}
	if !slices.Equal(s.peers, []string{"a:1", "b:2", "c:3"}) {
		t.Errorf("peers = %v", s.peers)
	}
	if s.heartbeat.String() != "250ms" {
		t.Errorf("raft-heartbeat-timeout = %v", s.heartbeat)
	}
	if s.internalAddr != "127.0.0.1:26502" {
		t.Errorf("internal-addr = %q, want the default", s.internalAddr)
	}
}

func TestSettingsRejectUnknownKeysAndBadValues(t *testing.T) {
	file := filepath.Join(t.TempDir(), "shoal.toml")
	if err := os.WriteFile(file, []byte(`partitons = 3`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := parseSettings(t, "--config", file); err == nil {
		t.Error("a misspelt key in the file was accepted")
	}
	t.Setenv("SHOAL_PARTITIONS", "many")
	if _, err := parseSettings(t); err == nil {
		t.Error("SHOAL_PARTITIONS=many was accepted")
	}
	t.Setenv("SHOAL_PARTITIONS", "1")
	if _, err := parseSettings(t, "--gomaxprocs", "-1"); err == nil {
		t.Error("--gomaxprocs -1 was accepted")
	}
	if s, err := parseSettings(t, "--gomaxprocs", "4"); err != nil || s.goMaxProcs != 4 {
		t.Errorf("--gomaxprocs 4: %v, got %d", err, s.goMaxProcs)
	}
}

func TestNodeHTTPServesHealthReadyAndMetrics(t *testing.T) {
	node, err := broker.NewNode(broker.Config{DataDir: t.TempDir(), InternalBind: "127.0.0.1:0",
		HeartbeatTimeout: 200 * time.Millisecond, ElectionTimeout: 200 * time.Millisecond, LeaderLeaseTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer node.Close()
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	srv := httptest.NewServer(httpHandler(node, api, true))
	defer srv.Close()
	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, _ := get("/ready")
		if code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/ready still %d", code)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code, _ := get("/health"); code != http.StatusOK {
		t.Errorf("/health = %d", code)
	}
	if code, body := get("/metrics"); code != http.StatusOK || !strings.Contains(body, `shoal_partition_leader{node="0",partition="1"} 1`) {
		t.Errorf("/metrics = %d without the partition's leader gauge", code)
	}
	if code, _ := get("/v2/topology"); code != http.StatusTeapot {
		t.Errorf("/v2/topology = %d, want the API handler's answer", code)
	}
	if code, body := get("/debug/pprof/"); code != http.StatusOK || !strings.Contains(body, "goroutine") {
		t.Errorf("/debug/pprof/ = %d without the profile index", code)
	}
}
