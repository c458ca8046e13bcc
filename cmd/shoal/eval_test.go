package main

import (
	"testing"
)

// runEvalCmd runs `shoal eval args...` and returns stdout, stderr and the
// exit code.
func runEvalCmd(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	return runShoal(t, append([]string{"eval"}, args...)...)
}

func TestEvalCommand(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		out, errs  string
		exitStatus int
	}{
		{"condition with vars", []string{"=order.total > 100", "--vars", `{"order": {"total": 150}}`}, "true\n", "", 0},
		{"decimal numbers stay exact", []string{"price + 0.2", "--vars", `{"price": 0.1}`}, "0.3\n", "", 0},
		{"context result", []string{`{a: 1, b: [1, "x"]}`}, `{"a":1,"b":[1,"x"]}` + "\n", "", 0},
		{"no vars means missing is null", []string{"x.y"}, "null\n", "", 0},
		{"clock from --now", []string{"today()", "--now", "2024-02-29T23:00:00Z"}, `"2024-02-29"` + "\n", "", 0},
		{"syntax error with marker", []string{"=amount >> 5"}, "",
			"shoal eval: unexpected '>' at column 10, expected an expression\n  =amount >> 5\n           ^\n", 1},
		{"run-time error with marker", []string{`=1 + "a"`}, "",
			"shoal eval: failed to evaluate expression '1 + \"a\"': cannot add number 1 and string \"a\"\n  1 + \"a\"\n  ^\n", 1},
		{"bad vars", []string{"1", "--vars", "[1]"}, "", "", 1},
	}
	for _, tt := range tests {
		out, errs, code := runEvalCmd(t, tt.args...)
		if out != tt.out || code != tt.exitStatus || (tt.errs != "" && errs != tt.errs) || (tt.errs == "" && code == 0 && errs != "") {
			t.Errorf("%s: got exit %d, stdout %q, stderr %q\nwant exit %d, stdout %q, stderr %q", tt.name, code, out, errs, tt.exitStatus, tt.out, tt.errs)
		}
	}
}
