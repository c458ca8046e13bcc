package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/shoalbpm/shoal/broker"
	"github.com/shoalbpm/shoal/gateway"
	"github.com/shoalbpm/shoal/modeler"
)

// settingsHelp explains where settings come from; shared by start and broker.
const settingsHelp = `
Every setting is a flag, an environment variable SHOAL_<FLAG> (upper case,
dashes as underscores: --data-dir is SHOAL_DATA_DIR), or a key of a TOML file
given with --config (the flag's name: data-dir = "/var/lib/shoal"; peers as a
list of strings). A flag beats the environment, which beats the file.`

func newStartCmd() *cobra.Command {
	s := &nodeSettings{}
	cmd := &cobra.Command{
		Use:   "start",
		Short: "Run a single Shoal node: broker, gateway and web app",
		Long: `Run a single Shoal node with everything: the broker with its partitions, the
REST API (Camunda 8 v2) and the web app, on one HTTP port, with /metrics,
/health and /ready. Ctrl-C stops it cleanly; what was acknowledged survives
even a kill -9.` + "\n" + settingsHelp,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := s.load(cmd); err != nil {
				return err
			}
			s.clusterSize, s.nodeID, s.replicationFactor, s.peers = 1, 0, 1, nil
			return runNode(cmd, s)
		},
	}
	s.register(cmd.Flags(), false)
	return cmd
}

// nodeSettings are a node's settings, from flags, environment and file.
type nodeSettings struct {
	configFile        string
	dataDir           string
	nodeID            int32
	clusterSize       int32
	partitions        int32
	replicationFactor int32
	peers             []string
	internalAddr      string
	advertiseAddr     string
	httpAddr          string
	heartbeat         time.Duration
	election          time.Duration
	leaderLease       time.Duration
	snapshotThreshold uint64
	queueSize         int
	retention         time.Duration
	logFormat         string
	logLevel          string
	pprof             bool
	exporterJSONL     string
	goMaxProcs        int
}

func (s *nodeSettings) register(fs *pflag.FlagSet, cluster bool) {
	fs.StringVar(&s.configFile, "config", "", "TOML file with settings (keys are the flag names)")
	fs.StringVar(&s.dataDir, "data-dir", "./shoal-data", "directory of the node's data (pebble, raft snapshots)")
	fs.Int32Var(&s.partitions, "partitions", 1, "number of partitions")
	fs.StringVar(&s.internalAddr, "internal-addr", "127.0.0.1:26502", "host:port of the internal port (raft, broker to broker)")
	fs.StringVar(&s.httpAddr, "http-addr", ":8080", "host:port of the HTTP server (REST API, web app, metrics)")
	fs.DurationVar(&s.heartbeat, "raft-heartbeat-timeout", time.Second, "raft heartbeat timeout: a follower that hears nothing from its leader for this long calls an election")
	fs.DurationVar(&s.election, "raft-election-timeout", time.Second, "raft election timeout")
	fs.DurationVar(&s.leaderLease, "raft-leader-lease-timeout", time.Second, "raft leader lease timeout (capped at the heartbeat timeout): a leader that hears from no quorum for this long steps down; 100ms deposed the leaders of nodes sharing 2 loaded cores")
	fs.Uint64Var(&s.snapshotThreshold, "snapshot-threshold", 8192, "raft entries between snapshots of a partition")
	fs.IntVar(&s.queueSize, "queue-size", 2048, "commands queued per partition before requests get RESOURCE_EXHAUSTED")
	fs.DurationVar(&s.retention, "read-model-retention", 7*24*time.Hour, "how long finished process instances stay searchable")
	fs.StringVar(&s.logFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&s.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.StringVar(&s.exporterJSONL, "exporter-jsonl", "", "directory to export every record to as JSON lines, a file per partition (empty: off)")
	fs.IntVar(&s.goMaxProcs, "gomaxprocs", 0, "Go's GOMAXPROCS for the node; 0: the CPUs it may use plus one, so that flushes, compactions and GC leave a P for requests (a GOMAXPROCS environment variable is kept as it is)")
	fs.BoolVar(&s.pprof, "pprof", false, "serve Go's profiler at /debug/pprof/ on the HTTP port (for profiling; off by default)")
	if cluster {
		fs.Int32Var(&s.nodeID, "node-id", 0, "this node's id, 0 to cluster-size - 1")
		fs.Int32Var(&s.clusterSize, "cluster-size", 1, "number of nodes in the cluster")
		fs.Int32Var(&s.replicationFactor, "replication-factor", 1, "replicas of each partition (at most cluster-size)")
		fs.StringSliceVar(&s.peers, "peers", nil, "internal host:port of every node, in node id order")
		fs.StringVar(&s.advertiseAddr, "advertise-addr", "", "internal host:port other nodes dial (default: --internal-addr)")
	}
}

// load fills the flags the command line left unset from SHOAL_* variables,
// then from the --config file.
func (s *nodeSettings) load(cmd *cobra.Command) error {
	fs := cmd.Flags()
	var errs []error
	fs.VisitAll(func(f *pflag.Flag) {
		env := "SHOAL_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(env); ok && !f.Changed {
			if err := fs.Set(f.Name, v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", env, err))
			}
		}
	})
	if s.configFile != "" {
		var file map[string]any
		if _, err := toml.DecodeFile(s.configFile, &file); err != nil {
			return fmt.Errorf("config %s: %w", s.configFile, err)
		}
		for key, v := range file {
			f := fs.Lookup(key)
			if f == nil {
				errs = append(errs, fmt.Errorf("config %s: unknown setting %q", s.configFile, key))
				continue
			}
			if f.Changed {
				continue // set by a flag or the environment
			}
			if err := fs.Set(key, tomlValue(v)); err != nil {
				errs = append(errs, fmt.Errorf("config %s: %s: %w", s.configFile, key, err))
			}
		}
	}
	if s.goMaxProcs < 0 {
		errs = append(errs, fmt.Errorf("--gomaxprocs %d: want 0 (the CPUs plus one) or more", s.goMaxProcs))
	}
	return errors.Join(errs...)
}

// tomlValue turns a TOML value into a flag's text.
func tomlValue(v any) string {
	if list, ok := v.([]any); ok {
		parts := make([]string, len(list))
		for i, x := range list {
			parts[i] = fmt.Sprint(x)
		}
		return strings.Join(parts, ",")
	}
	return fmt.Sprint(v)
}

func (s *nodeSettings) logger() (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(s.logLevel)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch s.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(os.Stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(os.Stderr, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: want text or json", s.logFormat)
}

func (s *nodeSettings) brokerConfig(logger *slog.Logger) broker.Config {
	host, port, _ := net.SplitHostPort(s.httpAddr)
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	p, _ := strconv.Atoi(port)
	return broker.Config{
		NodeID: s.nodeID, ClusterSize: s.clusterSize, PartitionsCount: s.partitions,
		ReplicationFactor: s.replicationFactor, DataDir: s.dataDir,
		InternalBind: s.internalAddr, InternalAdvertise: s.advertiseAddr, Peers: s.peers,
		GatewayHost: host, GatewayPort: int32(p), Version: version,
		HeartbeatTimeout: s.heartbeat, ElectionTimeout: s.election, LeaderLeaseTimeout: min(s.leaderLease, s.heartbeat),
		SnapshotThreshold: s.snapshotThreshold, QueueSize: s.queueSize,
		Logger: logger,
	}
}

// runNode runs a node until SIGINT or SIGTERM, then shuts it down cleanly.
func runNode(cmd *cobra.Command, s *nodeSettings) error {
	fail := func(err error) error {
		fmt.Fprintln(cmd.ErrOrStderr(), "shoal:", err)
		return exitError{1}
	}
	logger, err := s.logger()
	if err != nil {
		return fail(err)
	}
	applyGoMaxProcs(s.goMaxProcs, logger)
	node, err := broker.NewNode(s.brokerConfig(logger))
	if err != nil {
		return fail(err)
	}
	rm, err := startExporters(node, s, logger)
	if err != nil {
		node.Close()
		return fail(err)
	}
	node.SetExportedPosition(rm.Exported) // trim record logs only below it
	gw := gateway.New(node, gateway.Config{Logger: logger, Version: version, ReadModel: rm.model})
	srv := &http.Server{Addr: s.httpAddr, Handler: httpHandler(node, gw.Handler(), s.pprof), ReadHeaderTimeout: 10 * time.Second}
	ln, err := net.Listen("tcp", s.httpAddr)
	if err != nil {
		rm.Close()
		node.Close()
		return fail(fmt.Errorf("http: %w", err))
	}
	logger.Info("shoal is up", "http", ln.Addr().String(), "dataDir", s.dataDir)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	select {
	case <-ctx.Done():
		logger.Info("shutting down")
	case err = <-served:
		logger.Error("http server failed", "err", err)
	}
	// Streams and parked activations first (their jobs go back), then
	// HTTP, then the broker: everything acknowledged is already in pebble.
	gw.Close()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdownCtx)
	if cerr := rm.Close(); cerr != nil {
		logger.Error("exporters close", "err", cerr)
	}
	if cerr := node.Close(); cerr != nil {
		return fail(fmt.Errorf("close: %w", cerr))
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return exitError{1}
	}
	return nil
}

// httpHandler is the node's one HTTP server: operations endpoints, and the
// application — the REST API (gateway) at /v2/ and the web app (modeler) at
// every other path. This is the one place to mount more.
func httpHandler(node *broker.Node, api http.Handler, profile bool) http.Handler {
	mux := http.NewServeMux()
	if profile {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	mux.Handle("GET /metrics", promhttp.HandlerFor(node.Registry(), promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) {
		status(w, node.Healthy(), "healthy", "unhealthy: a partition stopped applying")
	})
	mux.HandleFunc("GET /ready", func(w http.ResponseWriter, _ *http.Request) {
		status(w, node.Ready(), "ready", "not ready: a partition has no leader or is catching up")
	})
	mux.Handle("/v2/", api)
	mux.Handle("/", modeler.Handler())
	return mux
}

func status(w http.ResponseWriter, ok bool, yes, no string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if !ok {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, no)
		return
	}
	fmt.Fprintln(w, yes)
}
