package engine_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/shoalbpm/shoal/engine"
	. "github.com/shoalbpm/shoal/engine/enginetest"
	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/engine/state"
)

// forbidden lists what must not appear in non-test engine code, because it
// would make records or state differ between replicas (DESIGN.md §4).
var forbidden = []struct {
	pattern *regexp.Regexp
	fix     string
}{
	{regexp.MustCompile(`time\.Now\(`), "use the command's timestamp (proc.Context.Now)"},
	{regexp.MustCompile(`time\.Since\(`), "use the command's timestamp (proc.Context.Now)"},
	{regexp.MustCompile(`"math/rand`), "the engine draws no random numbers"},
	{regexp.MustCompile(`"crypto/rand"`), "the engine draws no random numbers"},
	{regexp.MustCompile(`os\.Getenv\(`), "configuration comes through engine.Config"},
	{regexp.MustCompile(`\bgo func\b|\bgo [a-zA-Z_.]+\(`), "the engine runs on the caller's goroutine"},
	{regexp.MustCompile(`\bsync\.`), "the engine is single-threaded by contract"},
}

// TestDeterminism_NoClockRandomnessGoroutinesOrEnvInEngineCode greps the
// engine's non-test files (engine/expr excluded: it is checked by its own
// package) for the forbidden constructs.
func TestDeterminism_NoClockRandomnessGoroutinesOrEnvInEngineCode(t *testing.T) {
	files := 0
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (path == "expr" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.HasPrefix(path, "enginetest") {
			return nil
		}
		files++
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range bytes.Split(src, []byte("\n")) {
			code := line
			if j := bytes.Index(code, []byte("//")); j >= 0 {
				code = code[:j]
			}
			for _, f := range forbidden {
				if f.pattern.Match(code) {
					t.Errorf("%s:%d: %s: %s", path, i+1, bytes.TrimSpace(line), f.fix)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 20 {
		t.Fatalf("checked only %d files: is the walk rooted right?", files)
	}
}

// TestDeterminism_SameCommandsGiveByteIdenticalRecords runs a scenario twice
// on fresh engines and compares the encoded records and the final state.
func TestDeterminism_SameCommandsGiveByteIdenticalRecords(t *testing.T) {
	run := func() ([][]byte, [][2][]byte) {
		h := New(t)
		h.Deploy("par.bpmn", parallel(), "or.bpmn", inclusive())
		for i := range 5 {
			h.CreateInstance("par", map[string]any{"i": i, "m": map[string]any{"z": 1, "a": []any{1, "x"}}})
			h.CreateInstance("or", map[string]any{"wantA": i%2 == 0, "wantB": true})
		}
		for _, jt := range []string{"a", "b"} {
			for _, j := range h.ActivateJobs(jt, 100) {
				h.CompleteJob(j.Key, map[string]any{"k" + jt: j.Key, "x": map[string]any{"b": 2, "a": 1}})
			}
		}
		var enc [][]byte
		for _, r := range h.Records() {
			b, err := record.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			enc = append(enc, b)
		}
		return enc, h.KV.All()
	}
	r1, s1 := run()
	r2, s2 := run()
	if len(r1) != len(r2) {
		t.Fatalf("runs wrote %d and %d records", len(r1), len(r2))
	}
	for i := range r1 {
		if !bytes.Equal(r1[i], r2[i]) {
			t.Fatalf("record %d differs between runs", i)
		}
	}
	if len(s1) != len(s2) {
		t.Fatalf("states have %d and %d keys", len(s1), len(s2))
	}
	for i := range s1 {
		if !bytes.Equal(s1[i][0], s2[i][0]) || !bytes.Equal(s1[i][1], s2[i][1]) {
			t.Fatalf("state differs at key %x", s1[i][0])
		}
	}
}

// TestReplay_FreshEngineOverExistingStateContinues restarts the engine (a
// new Engine, empty graph cache) over the same state and goes on.
func TestReplay_FreshEngineOverExistingStateContinues(t *testing.T) {
	h := New(t)
	h.Deploy("one.bpmn", oneTask())
	pik := h.CreateInstance("one", nil)
	e, err := engine.New(engine.Config{PartitionID: Partition, PartitionCount: 1})
	if err != nil {
		t.Fatal(err)
	}
	h.Engine = e
	h.CompleteJob(h.ActivateJobs("work", 1)[0].Key, nil)
	if !isCompleted(h, pik) {
		t.Fatal("instance did not complete after the restart")
	}
	h.CheckReplay()
}

func TestEngine_RejectsBadConfigAndUnknownCommands(t *testing.T) {
	if _, err := engine.New(engine.Config{PartitionID: 0, PartitionCount: 1}); err == nil {
		t.Fatal("partition 0 accepted")
	}
	h := New(t)
	r := h.ExpectRejection(record.InvalidArgument, record.Job, record.Created, 1, &record.JobRecord{})
	if r.RejectionReason != "Expected a command that Shoal processes, but JOB CREATED is not one" {
		t.Fatalf("reason %q", r.RejectionReason)
	}
	h.ExpectRejection(record.InvalidArgument, record.Job, record.Complete, 1, nil)
	if _, ok, err := h.Engine.NextDueTime(state.NewMemKV()); ok || err != nil {
		t.Fatalf("empty state has a due time (%v, %v)", ok, err)
	}
}
