// Package enginetest is the in-memory harness for engine tests (Zeebe's
// EngineRule and RecordingExporter): it runs an engine over a MemKV,
// deploys BPMN, sends commands as a client would, drives jobs and time,
// and lets tests assert on the record stream, on golden streams and on
// replay.
//
//	h := enginetest.New(t)
//	h.Deploy("order.bpmn", enginetest.Process("order").Start("s").
//		ServiceTask("t", "pay").End("e").Chain("s", "t", "e").XML())
//	pik := h.CreateInstance("order", nil)
//	jobs := h.ActivateJobs("pay", 10)
//	h.CompleteJob(jobs[0].Key, map[string]any{"paid": true})
//	h.Records().ProcessInstance(pik).Intent(record.ElementCompleted).ElementIDs()
//
// Golden streams live in testdata/golden/engine/<TestName>.txt at the
// repository root, one record per line (Format); `go test ./engine/
// -update` rewrites them.
//
// Every harness checks at the end of its test that replaying the records
// into empty state rebuilds the live state (CheckReplay), so every scenario
// is also a replay test.
//
// Every helper fails the test (t.Fatal) when the engine returns an error;
// helpers that expect success also fail on a rejection.
package enginetest
