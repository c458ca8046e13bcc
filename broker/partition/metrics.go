package partition

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// The partition metrics, labelled by node and partition. They are package
// vectors so that every partition of a process shares one registration;
// Collectors returns them for the node's registry.
var (
	commandsVec = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "shoal", Subsystem: "partition", Name: "commands_total",
		Help: "Commands appended to the raft log by this replica as leader.",
	}, []string{"node", "partition"})
	recordsVec = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "shoal", Subsystem: "partition", Name: "records_total",
		Help: "Records written to the record log (all replicas).",
	}, []string{"node", "partition"})
	entrySizeVec = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "shoal", Subsystem: "partition", Name: "commands_per_entry",
		Help:    "Commands batched into one raft entry.",
		Buckets: prometheus.ExponentialBuckets(1, 2, 11),
	}, []string{"node", "partition"})
	commitLatencyVec = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "shoal", Subsystem: "partition", Name: "commit_latency_seconds",
		Help:    "From raft Apply to the entry applied on the leader.",
		Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16),
	}, []string{"node", "partition"})
	processingVec = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "shoal", Subsystem: "partition", Name: "processing_latency_seconds",
		Help:    "Engine processing and pebble commit of one batch of entries.",
		Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16),
	}, []string{"node", "partition"})
	leaderChangesVec = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "shoal", Subsystem: "partition", Name: "role_changes_total",
		Help: "Times this replica became or stopped being leader.",
	}, []string{"node", "partition"})
	roleVec = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: "shoal", Subsystem: "partition", Name: "leader",
		Help: "1 if this replica leads the partition.",
	}, []string{"node", "partition"})
	backPressureVec = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "shoal", Subsystem: "partition", Name: "backpressure_rejections_total",
		Help: "Commands refused because the queue was full (RESOURCE_EXHAUSTED).",
	}, []string{"node", "partition"})
	queueDepthVec = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: "shoal", Subsystem: "partition", Name: "queue_depth",
		Help: "Commands waiting to be appended, sampled at each batch.",
	}, []string{"node", "partition"})
	eventsVec = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "shoal", Subsystem: "partition", Name: "events_total",
		Help: "Events written, by value type and intent: instances created (PROCESS_INSTANCE_CREATION CREATED), jobs activated (JOB_BATCH ACTIVATED), completed (JOB COMPLETED), failed (JOB FAILED), ...",
	}, []string{"node", "partition", "valueType", "intent"})
	pushedVec = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "shoal", Subsystem: "partition", Name: "jobs_pushed_total",
		Help: "Jobs activated for a push stream in the step that created them, as handed to the stream by the node that built the entry.",
	}, []string{"node", "partition"})
	pushYieldedVec = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "shoal", Subsystem: "partition", Name: "jobs_push_yielded_total",
		Help: "Pushed jobs yielded back because their stream was gone.",
	}, []string{"node", "partition"})
	appliedIndexVec = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: "shoal", Subsystem: "partition", Name: "applied_index",
		Help: "Last raft index applied to the partition state.",
	}, []string{"node", "partition"})
)

// Collectors returns the partition metrics for registration.
func Collectors() []prometheus.Collector {
	return []prometheus.Collector{commandsVec, recordsVec, entrySizeVec, commitLatencyVec,
		processingVec, leaderChangesVec, roleVec, backPressureVec, queueDepthVec, appliedIndexVec, eventsVec,
		pushedVec, pushYieldedVec}
}

// Metrics are one replica's children of the vectors.
type Metrics struct {
	commands, records, leaderChanges, backPressure prometheus.Counter
	pushed, pushYielded                            prometheus.Counter
	entrySize, commitLatency, processing           prometheus.Observer
	role, queueDepth, appliedIndex                 prometheus.Gauge
	labels                                         []string
}

func (m *Metrics) addEvents(events map[eventKind]int) {
	for k, n := range events {
		eventsVec.WithLabelValues(m.labels[0], m.labels[1], string(k.valueType), string(k.intent)).Add(float64(n))
	}
}

func newMetrics(node string, id int32) *Metrics {
	l := []string{node, strconv.Itoa(int(id))}
	return &Metrics{
		commands:      commandsVec.WithLabelValues(l...),
		records:       recordsVec.WithLabelValues(l...),
		leaderChanges: leaderChangesVec.WithLabelValues(l...),
		backPressure:  backPressureVec.WithLabelValues(l...),
		pushed:        pushedVec.WithLabelValues(l...),
		pushYielded:   pushYieldedVec.WithLabelValues(l...),
		entrySize:     entrySizeVec.WithLabelValues(l...),
		commitLatency: commitLatencyVec.WithLabelValues(l...),
		processing:    processingVec.WithLabelValues(l...),
		role:          roleVec.WithLabelValues(l...),
		queueDepth:    queueDepthVec.WithLabelValues(l...),
		appliedIndex:  appliedIndexVec.WithLabelValues(l...),
		labels:        l,
	}
}
