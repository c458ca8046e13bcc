package expr

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// A case file under testdata/ has one case per line:
//
//	expression ==> expected JSON
//	expression ==> error: substring of the run-time error
//	expression ==> syntax: substring of the compile error
//
// "vars {json}" sets the variables for the lines after it (until the next
// vars line or "## section" heading, which resets them); "#" starts a
// comment line. now() is 2024-03-15T10:30:00Z in every case.

type tableCase struct {
	file   string
	line   int
	expr   string
	vars   map[string]any
	want   string // JSON, or "error: ...", or "syntax: ..."
	varsJS string
}

var caseClock = time.Date(2024, 3, 15, 10, 30, 0, 0, time.UTC)

func loadCases(t *testing.T) []tableCase {
	t.Helper()
	files, err := filepath.Glob("testdata/*.cases")
	if err != nil || len(files) == 0 {
		t.Fatalf("no case files: %v", err)
	}
	var cases []tableCase
	for _, file := range files {
		cases = append(cases, readCaseFile(t, file)...)
	}
	return cases
}

func readCaseFile(t *testing.T, file string) []tableCase {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []tableCase
	var vars map[string]any
	varsJS := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "# "):
			continue
		case strings.HasPrefix(line, "##"):
			vars, varsJS = nil, ""
			continue
		case strings.HasPrefix(line, "vars "):
			varsJS = strings.TrimPrefix(line, "vars ")
			dec := json.NewDecoder(strings.NewReader(varsJS))
			dec.UseNumber()
			vars = nil
			if err := dec.Decode(&vars); err != nil {
				t.Fatalf("%s:%d: bad vars: %v", file, n, err)
			}
			continue
		}
		line = " " + line // an empty expression is " ==> ..."
		i := strings.LastIndex(line, " ==> ")
		if i < 0 {
			t.Fatalf("%s:%d: no ' ==> ' in %q", file, n, line)
		}
		cases = append(cases, tableCase{file, n, line[1:max(i, 1)], vars, strings.TrimSpace(line[i+5:]), varsJS})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

func TestCasesFromTestdata(t *testing.T) {
	cases := loadCases(t)
	if len(cases) < 300 {
		t.Errorf("only %d cases; the table should have at least 300", len(cases))
	}
	byFile := map[string][]tableCase{}
	var files []string
	for _, c := range cases {
		if byFile[c.file] == nil {
			files = append(files, c.file)
		}
		byFile[c.file] = append(byFile[c.file], c)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".cases"), func(t *testing.T) {
			for _, c := range byFile[file] {
				checkCase(t, c)
			}
		})
	}
}

func checkCase(t *testing.T, c tableCase) {
	t.Helper()
	where := filepath.Base(c.file) + ":" + itoa(c.line)
	e, err := Compile(c.expr)
	if want, ok := strings.CutPrefix(c.want, "syntax:"); ok {
		if err == nil || !strings.Contains(err.Error(), strings.TrimSpace(want)) {
			t.Errorf("%s: Compile(%s): got error %v, want one containing %q", where, c.expr, err, strings.TrimSpace(want))
		}
		return
	}
	if err != nil {
		t.Errorf("%s: Compile(%s): %v", where, c.expr, err)
		return
	}
	checkEval(t, where, e, c, c.vars)
	// JSON numbers arrive as json.Number or float64, depending on the
	// decoder; run the case with float64 variables too when that is lossless.
	if floats, ok := floatVars(c.varsJS); ok {
		checkEval(t, where+" (float64 vars)", e, c, floats)
	}
}

func floatVars(js string) (map[string]any, bool) {
	if js == "" {
		return nil, false
	}
	var plain map[string]any
	if err := json.Unmarshal([]byte(js), &plain); err != nil {
		return nil, false
	}
	var exact any
	dec := json.NewDecoder(strings.NewReader(js))
	dec.UseNumber()
	if err := dec.Decode(&exact); err != nil {
		return nil, false
	}
	return plain, floatsExact(exact)
}

// floatsExact reports whether every number in v reads the same as float64.
func floatsExact(v any) bool {
	switch x := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		d, derr := decimal.NewFromString(string(x))
		return err == nil && derr == nil && decimal.NewFromFloat(f).Equal(d)
	case []any:
		for _, e := range x {
			if !floatsExact(e) {
				return false
			}
		}
	case map[string]any:
		for _, e := range x {
			if !floatsExact(e) {
				return false
			}
		}
	}
	return true
}

func checkEval(t *testing.T, where string, e *Expr, c tableCase, vars map[string]any) {
	t.Helper()
	got, err := e.EvalAt(MapVars(vars), caseClock)
	if want, ok := strings.CutPrefix(c.want, "error:"); ok {
		if err == nil || !strings.Contains(err.Error(), strings.TrimSpace(want)) {
			t.Errorf("%s: %s: got %v, %v; want an error containing %q", where, c.expr, got, err, strings.TrimSpace(want))
		}
		return
	}
	if err != nil {
		t.Errorf("%s: %s (vars %s): %v", where, c.expr, c.varsJS, err)
		return
	}
	if g, w := canonJSON(t, got), canonJSONText(t, c.want, where); g != w {
		t.Errorf("%s: %s (vars %s) = %s, want %s", where, c.expr, c.varsJS, g, w)
	}
}

func canonJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		return "unmarshalable: " + err.Error()
	}
	return canonJSONText(t, string(b), "result")
}

func canonJSONText(t *testing.T, s, where string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("%s: bad expected JSON %q: %v", where, s, err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}
