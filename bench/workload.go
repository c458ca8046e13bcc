package bench

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Workload is a BPMN file to run: its process and the job types of its
// service tasks (one worker pool per type).
type Workload struct {
	Name      string // the file's base name without .bpmn
	File      string
	BPMN      []byte
	ProcessID string
	JobTypes  []string
}

// LoadWorkload reads a workload: nameOrPath is a file path, or a name looked
// up as dir/name.bpmn (dir is testdata/bench in the repository).
func LoadWorkload(dir, nameOrPath string) (*Workload, error) {
	path := nameOrPath
	if !strings.HasSuffix(path, ".bpmn") && !strings.ContainsRune(path, os.PathSeparator) {
		path = filepath.Join(dir, nameOrPath+".bpmn")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("workload %s: %w (run from the repository root, or give --workloads-dir or a .bpmn path)", nameOrPath, err)
	}
	w, err := parseWorkload(b)
	if err != nil {
		return nil, fmt.Errorf("workload %s: %w", path, err)
	}
	w.Name = strings.TrimSuffix(filepath.Base(path), ".bpmn")
	w.File = path
	return w, nil
}

// parseWorkload finds the first executable process and the static job
// types (zeebe:taskDefinition type without "=") in a BPMN file. Shoal
// itself validates the file when it is deployed.
func parseWorkload(b []byte) (*Workload, error) {
	var defs struct {
		Processes []struct {
			ID         string `xml:"id,attr"`
			Executable string `xml:"isExecutable,attr"`
			Inner      []byte `xml:",innerxml"`
		} `xml:"process"`
	}
	if err := xml.Unmarshal(b, &defs); err != nil {
		return nil, fmt.Errorf("parse BPMN: %w", err)
	}
	for _, p := range defs.Processes {
		if p.Executable != "true" {
			continue
		}
		types, err := jobTypes(p.Inner)
		if err != nil {
			return nil, err
		}
		if len(types) == 0 {
			return nil, fmt.Errorf("process %s has no service task with a static job type", p.ID)
		}
		return &Workload{BPMN: b, ProcessID: p.ID, JobTypes: types}, nil
	}
	return nil, fmt.Errorf("no executable process")
}

// jobTypes lists the distinct taskDefinition types in a process's XML.
func jobTypes(inner []byte) ([]string, error) {
	dec := xml.NewDecoder(strings.NewReader(string(inner)))
	seen := map[string]bool{}
	for {
		tok, err := dec.Token()
		if err != nil {
			break // io.EOF, or the fragment's end
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "taskDefinition" {
			continue
		}
		for _, a := range se.Attr {
			if a.Name.Local != "type" {
				continue
			}
			if strings.HasPrefix(a.Value, "=") {
				return nil, fmt.Errorf("job type %q is an expression; a workload needs static job types", a.Value)
			}
			seen[a.Value] = true
		}
	}
	types := make([]string, 0, len(seen))
	for t := range seen {
		types = append(types, t)
	}
	sort.Strings(types)
	return types, nil
}

// Payload returns the variables of instance n, a JSON object: n (to check
// the answer), route ("a" or "b", alternating, for the gateway workload)
// and a "payload" object whose JSON is about size bytes, shaped like a small
// business document. It is written directly, with the keys in the order
// encoding/json gives a map, because the load generator makes one per
// instance and should spend its CPU on the wire, not on the document.
func Payload(n int64, size int) json.RawMessage {
	route := "b"
	if n%2 == 0 {
		route = "a"
	}
	doc := payloadDoc(nil, n, -1)
	used := len(doc) + len(`{"n":,"route":"","payload":,"note":""}`) + len(strconv.FormatInt(n, 10)) + len(route)
	b := make([]byte, 0, max(size, used)+8)
	b = append(b, `{"n":`...)
	b = strconv.AppendInt(b, n, 10)
	switch pad := size - used; {
	case pad > 0:
		b = append(b, `,"payload":`...)
		b = payloadDoc(b, n, pad)
	case size >= used-len(doc):
		b = append(b, `,"payload":`...)
		b = append(b, doc...)
	}
	b = append(b, `,"route":"`...)
	b = append(b, route...)
	return append(b, `"}`...)
}

// payloadDoc appends the business document of instance n with a note of
// pad bytes (none: no note).
func payloadDoc(b []byte, n int64, pad int) []byte {
	b = append(b, `{"currency":"EUR","customerId":"customer-4711","items":[{"qty":2,"sku":"SKU-1"},{"qty":1,"sku":"SKU-2"}],`...)
	if pad > 0 {
		b = append(b, `"note":"`...)
		b = append(b, strings.Repeat("x", pad)...)
		b = append(b, `",`...)
	}
	b = append(b, `"orderId":"order-`...)
	b = fmt.Appendf(b, "%08d", n)
	return append(b, `","total":129.95}`...)
}
