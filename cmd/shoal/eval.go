package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/shoalbpm/shoal/engine/expr"
)

func newEvalCmd() *cobra.Command {
	var varsJSON, now string
	cmd := &cobra.Command{
		Use:   "eval EXPRESSION",
		Short: "Evaluate a FEEL expression and print the result as JSON",
		Long: `eval compiles and evaluates one FEEL expression the way the engine does,
and prints the result as JSON; handy for debugging a condition or a mapping.
The leading "=" of a BPMN attribute may be left in. A syntax error is printed
with a marker under its column; eval exits with status 1 on any error.

  shoal eval '=order.total > 100' --vars '{"order": {"total": 150}}'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runEval(cmd.OutOrStdout(), cmd.ErrOrStderr(), args[0], varsJSON, now)
		},
	}
	cmd.Flags().StringVar(&varsJSON, "vars", "", `variables as a JSON object, e.g. '{"amount": 1500}'`)
	cmd.Flags().StringVar(&now, "now", "", "the time now() and today() see (RFC 3339); default: the wall clock")
	return cmd
}

func runEval(out, errw io.Writer, source, varsJSON, now string) error {
	vars, err := parseEvalVars(varsJSON)
	if err != nil {
		fmt.Fprintln(errw, "shoal eval: --vars:", err)
		return exitError{1}
	}
	clock := time.Now().UTC() // outside the engine, the wall clock is the right one
	if now != "" {
		if clock, err = time.Parse(time.RFC3339Nano, now); err != nil {
			fmt.Fprintln(errw, "shoal eval: --now:", err)
			return exitError{1}
		}
	}
	e, err := expr.Compile(source)
	if err != nil {
		fmt.Fprintln(errw, "shoal eval:", err)
		var se *expr.SyntaxError
		var ns *expr.NotSupportedError
		switch {
		case errors.As(err, &se):
			printMarker(errw, source, se.Column)
		case errors.As(err, &ns):
			printMarker(errw, source, ns.Column)
		}
		return exitError{1}
	}
	v, err := e.EvalAt(vars, clock)
	if err != nil {
		fmt.Fprintln(errw, "shoal eval:", err)
		var ee *expr.EvalError
		if errors.As(err, &ee) && ee.Column > 0 {
			printMarker(errw, e.Source(), ee.Column) // run-time columns count in Source()
		}
		return exitError{1}
	}
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		fmt.Fprintln(errw, "shoal eval: cannot print the result:", err)
		return exitError{1}
	}
	return nil
}

func parseEvalVars(s string) (expr.MapVars, error) {
	if strings.TrimSpace(s) == "" {
		return expr.MapVars{}, nil
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber() // keep 0.1 exact and big integers whole
	var vars map[string]any
	if err := dec.Decode(&vars); err != nil {
		return nil, fmt.Errorf("not a JSON object: %v", err)
	}
	if dec.More() {
		return nil, errors.New("not a JSON object: more after the closing brace")
	}
	return expr.MapVars(vars), nil
}

// printMarker shows the expression with a ^ under the 1-based column.
// Multi-line expressions are shown from the line the column is on.
func printMarker(w io.Writer, source string, col int) {
	lines := strings.Split(source, "\n")
	for _, line := range lines {
		n := len([]rune(line)) + 1 // the newline is a column too
		if col <= n || line == lines[len(lines)-1] {
			fmt.Fprintf(w, "  %s\n  %s^\n", line, strings.Repeat(" ", max(col-1, 0)))
			return
		}
		col -= n
	}
}
