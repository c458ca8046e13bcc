package broker

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/shoalbpm/shoal/broker/partition"
)

// registry collects the node's metrics: the partitions', pebble's disk use
// and compactions, and the Go runtime and process.
func (n *Node) registry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(partition.Collectors()...)
	db := n.db.Pebble()
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: "shoal", Subsystem: "pebble", Name: "disk_usage_bytes",
			Help: "Bytes the node's pebble database uses on disk.",
		}, func() float64 { return float64(db.Metrics().DiskSpaceUsage()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Namespace: "shoal", Subsystem: "pebble", Name: "compactions_total",
			Help: "Compactions pebble has run.",
		}, func() float64 { return float64(db.Metrics().Compact.Count) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: "shoal", Subsystem: "node", Name: "ready",
			Help: "1 when every local partition has a leader and is caught up.",
		}, func() float64 {
			if n.Ready() {
				return 1
			}
			return 0
		}),
	)
	for id := range n.parts {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: "shoal", Subsystem: "exporter", Name: "lag_records",
			Help:        "Records of the partition's log not yet exported (-1: no exporter).",
			ConstLabels: prometheus.Labels{"partition": strconv.Itoa(int(id))},
		}, func() float64 { return n.exporterLag(id) }))
	}
	return reg
}
