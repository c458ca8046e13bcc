package engine_test

import (
	"fmt"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/shoalbpm/shoal/engine"
	. "github.com/shoalbpm/shoal/engine/enginetest"
	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/engine/state"
)

// benchEngine drives an engine directly (no harness bookkeeping): the
// cost measured is the engine's and MemKV's.
type benchEngine struct {
	e       *engine.Engine
	kv      *state.MemKV
	records int
}

func newBenchEngine(b *testing.B, xml string) *benchEngine {
	b.Helper()
	e, err := engine.New(engine.Config{PartitionID: 1, PartitionCount: 1})
	if err != nil {
		b.Fatal(err)
	}
	be := &benchEngine{e: e, kv: state.NewMemKV()}
	be.run(b, Command(record.Deployment, record.Create, -1,
		&record.DeploymentRecord{Resources: []record.Resource{{ResourceName: "p.bpmn", Resource: []byte(xml)}}}))
	return be
}

func (be *benchEngine) run(b *testing.B, cmd record.Record) engine.Result {
	cmd.Timestamp = StartTime
	res, err := be.e.Process(be.kv, []record.Record{cmd})
	if err != nil {
		b.Fatal(err)
	}
	be.records += len(res.Records)
	return res
}

// life runs one instance to its end: create, then activate and complete
// each of its tasks' jobs in turn.
func (be *benchEngine) life(b *testing.B, tasks int) {
	be.run(b, Command(record.ProcessInstanceCreation, record.Create, -1,
		&record.ProcessInstanceCreationRecord{BpmnProcessID: "bench", Version: -1, Variables: map[string]any{"orderId": 42}}))
	for range tasks {
		res := be.run(b, Command(record.JobBatch, record.Activate, -1,
			&record.JobBatchRecord{Type: "work", Worker: "bench", Timeout: 60_000, MaxJobsToActivate: 1}))
		keys := res.Records[len(res.Records)-1].Value.(*record.JobBatchRecord).JobKeys
		if len(keys) != 1 {
			b.Fatalf("activated %d jobs", len(keys))
		}
		be.run(b, Command(record.Job, record.Complete, keys[0], &record.JobRecord{Variables: map[string]any{"done": true}}))
	}
}

func taskChain(n int) string {
	m := Process("bench").Start("start")
	ids := []string{"start"}
	for i := range n {
		id := fmt.Sprintf("task%d", i)
		m.ServiceTask(id, "work")
		ids = append(ids, id)
	}
	return m.End("end").Chain(append(ids, "end")...).XML()
}

// benchLife reports rates per second of the process's CPU time as well as
// of wall time: the machine is shared, and CPU time is what "one core"
// means when other work competes for it.
func benchLife(b *testing.B, tasks int) {
	be := newBenchEngine(b, taskChain(tasks))
	be.records = 0
	b.ReportAllocs()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	cpu0 := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		be.life(b, tasks)
	}
	b.StopTimer()
	runtime.ReadMemStats(&m1)
	wall, cpu := b.Elapsed().Seconds(), (cpuTime() - cpu0).Seconds()
	b.ReportMetric(float64(b.N)/wall, "instances/s")
	b.ReportMetric(float64(b.N)/cpu, "instances/cpu-s")
	b.ReportMetric(float64(be.records)/cpu, "records/cpu-s")
	b.ReportMetric(float64(be.records)/float64(b.N), "records/instance")
	b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/float64(be.records), "allocs/record")
}

// cpuTime is the user and system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkInstanceLife_OneTask: create, activate, complete, end.
func BenchmarkInstanceLife_OneTask(b *testing.B) { benchLife(b, 1) }

// BenchmarkInstanceLife_TenTasks: ten service tasks in sequence.
func BenchmarkInstanceLife_TenTasks(b *testing.B) { benchLife(b, 10) }
