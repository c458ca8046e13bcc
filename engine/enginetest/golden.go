package enginetest

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/shoalbpm/shoal/engine"
	"github.com/shoalbpm/shoal/engine/record"
)

var update = flag.Bool("update", false, "rewrite golden record streams under testdata/golden/engine")

// Format renders records one per line for golden files: position, source
// position, record type, value type, intent, key (counter part only) and a
// summary of the value.
func Format(rs []record.Record) string {
	var b strings.Builder
	for i := range rs {
		r := &rs[i]
		fmt.Fprintf(&b, "%3d %3d %-9s %-25s %-26s %4s %s\n", r.Position, r.SourceRecordPosition,
			shortType(r.RecordType), r.ValueType, r.Intent, shortKey(r.Key), summary(r))
	}
	return b.String()
}

func shortType(t record.RecordType) string {
	switch t {
	case record.Command:
		return "CMD"
	case record.Event:
		return "EVT"
	}
	return "REJ"
}

func shortKey(k int64) string {
	if k <= 0 {
		return fmt.Sprint(k)
	}
	return fmt.Sprint(k &^ (int64(record.PartitionOf(k)) << 51))
}

func summary(r *record.Record) string {
	if r.RecordType == record.CommandRejection {
		return fmt.Sprintf("%s %q", r.RejectionType, r.RejectionReason)
	}
	switch v := r.Value.(type) {
	case *record.ProcessInstanceRecord:
		return fmt.Sprintf("%s %s scope=%s", v.ElementID, v.BpmnElementType, shortKey(v.FlowScopeKey))
	case *record.JobRecord:
		s := fmt.Sprintf("type=%s retries=%d element=%s", v.Type, v.Retries, v.ElementID)
		if len(v.Variables) > 0 {
			s += " vars=" + jsonText(v.Variables)
		}
		if v.ErrorMessage != "" {
			s += fmt.Sprintf(" error=%q", v.ErrorMessage)
		}
		return s
	case *record.JobBatchRecord:
		keys := make([]string, len(v.JobKeys))
		for i, k := range v.JobKeys {
			keys[i] = shortKey(k)
		}
		s := fmt.Sprintf("type=%s jobs=[%s]", v.Type, strings.Join(keys, ","))
		for _, j := range v.Jobs {
			s += " vars=" + jsonText(j.Variables)
		}
		return s
	case *record.VariableRecord:
		return fmt.Sprintf("%s=%s scope=%s", v.Name, v.Value, shortKey(v.ScopeKey))
	case *record.IncidentRecord:
		return fmt.Sprintf("%s element=%s %q", v.ErrorType, v.ElementID, v.ErrorMessage)
	case *record.ProcessInstanceCreationRecord:
		return fmt.Sprintf("%s v%d vars=%s", v.BpmnProcessID, v.Version, jsonText(v.Variables))
	case *record.DeploymentRecord:
		var ps []string
		for _, m := range v.ProcessesMetadata {
			ps = append(ps, fmt.Sprintf("%s:v%d", m.BpmnProcessID, m.Version))
		}
		return strings.Join(ps, " ")
	case *record.ProcessRecord:
		return fmt.Sprintf("%s v%d", v.BpmnProcessID, v.Version)
	case *record.CommandDistributionRecord:
		return fmt.Sprintf("partition=%d %s %s", v.PartitionID, v.CommandValueType, v.Intent)
	case *record.VariableDocumentRecord:
		return fmt.Sprintf("scope=%s %s vars=%s", shortKey(v.ScopeKey), v.UpdateSemantics, jsonText(v.Variables))
	}
	return ""
}

func jsonText(m map[string]any) string {
	if len(m) == 0 {
		return "{}"
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// Golden compares the formatted stream with
// testdata/golden/engine/<test name>.txt at the repository root, or
// rewrites the file when the test runs with -update.
func Golden(t testing.TB, rs []record.Record) {
	t.Helper()
	golden(t, ".txt", Format(rs))
}

// GoldenJSON is Golden for the records in Zeebe's exporter JSON, one
// record per line (<test name>.jsonl).
func GoldenJSON(t testing.TB, rs []record.Record) {
	t.Helper()
	var b strings.Builder
	for i := range rs {
		line, err := json.Marshal(rs[i])
		if err != nil {
			t.Fatalf("record %d: %v", rs[i].Position, err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	golden(t, ".jsonl", b.String())
}

func golden(t testing.TB, ext, got string) {
	t.Helper()
	path := filepath.Join(repoRoot(t), "testdata", "golden", "engine", strings.ReplaceAll(t.Name(), "/", "__")+ext)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden file missing (run with -update to create it): %v", err)
	}
	if string(want) != got {
		t.Errorf("record stream differs from %s (run with -update to accept):\n%s", path, diff(string(want), got))
	}
}

// diff shows the first differing lines.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\nwant: %s\ngot:  %s", i+1, wl, gl)
		}
	}
	return ""
}

func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// CheckReplay replays every record written so far into empty state with a
// fresh engine and fails the test unless the state equals the live state,
// pair by pair (Zeebe's ContinuouslyReplayTest).
func (h *Harness) CheckReplay() {
	h.T.Helper()
	if len(h.records) == 0 {
		return // nothing was processed (a partition of a Cluster left idle)
	}
	e, err := engine.New(h.cfg)
	if err != nil {
		h.T.Fatal(err)
	}
	kv := newKV()
	if err := e.Replay(kv, h.records); err != nil {
		h.T.Fatalf("replay: %v", err)
	}
	live, replayed := h.KV.All(), kv.All()
	if len(live) != len(replayed) {
		h.T.Errorf("replayed state has %d keys, live state %d\nlive only: %s\nreplayed only: %s",
			len(replayed), len(live), only(live, replayed), only(replayed, live))
		return
	}
	for i := range live {
		if !bytes.Equal(live[i][0], replayed[i][0]) || !bytes.Equal(live[i][1], replayed[i][1]) {
			h.T.Errorf("state differs at key %x:\nlive     %x\nreplayed %x", live[i][0], live[i][1], replayed[i][1])
			return
		}
	}
}

func only(a, b [][2][]byte) string {
	in := map[string]bool{}
	for _, p := range b {
		in[string(p[0])] = true
	}
	var out []string
	for _, p := range a {
		if !in[string(p[0])] {
			out = append(out, fmt.Sprintf("%x", p[0]))
		}
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}
