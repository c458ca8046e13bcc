package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/shoalbpm/shoal/bpmn"
	"github.com/shoalbpm/shoal/engine/expr"
)

func newCheckCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "check FILE...",
		Short: "Check BPMN files offline and print their problems like a compiler",
		Long: `check parses and compiles each BPMN file as a deployment would, and prints
every problem as FILE:LINE:COLUMN: KIND "ID": MESSAGE, FEEL expressions
included. It exits with status 1
when any file has a problem; otherwise it prints one summary line per file.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			bad := false
			for _, path := range args {
				if !checkFile(cmd.OutOrStdout(), cmd.ErrOrStderr(), path, checkOptions()) {
					bad = true
				}
			}
			if bad {
				return exitError{1}
			}
			return nil
		},
	}
}

// checkFile checks one file; problems go to errw, the summary to out.
func checkFile(out, errw io.Writer, path string, opts bpmn.Options) bool {
	f, err := os.Open(path)
	if err != nil {
		fmt.Fprintf(errw, "%s: %v\n", path, err)
		return false
	}
	defer f.Close()
	defs, err := bpmn.Parse(f)
	var dep *bpmn.Deployment
	if err == nil {
		dep, err = bpmn.Compile(defs, opts)
	}
	if err != nil {
		printProblems(errw, path, err)
		return false
	}
	procs, nodes, flows := 0, 0, 0
	for _, g := range dep.Processes {
		procs++
		nodes += len(g.Nodes) - 1 // the process itself is not an element of it
		flows += len(g.Flows)
	}
	fmt.Fprintf(out, "%s: ok: %d executable process(es), %d elements (%d flow nodes, %d sequence flows)\n",
		path, procs, nodes+flows, nodes, flows)
	return true
}

// printProblems prints each located problem on its own line.
func printProblems(w io.Writer, path string, err error) {
	var list bpmn.ErrorList
	var one *bpmn.Error
	switch {
	case errors.As(err, &list):
		for _, e := range list {
			printProblem(w, path, e)
		}
	case errors.As(err, &one):
		printProblem(w, path, one)
	default:
		fmt.Fprintf(w, "%s: %v\n", path, err)
	}
}

func printProblem(w io.Writer, path string, e *bpmn.Error) {
	if e.Line > 0 {
		fmt.Fprintf(w, "%s:%s\n", path, e)
	} else {
		fmt.Fprintf(w, "%s: %s\n", path, e)
	}
}

// checkOptions are the compile options of a deployment: expressions are
// compiled, so a FEEL error is reported as a deployment would report it.
func checkOptions() bpmn.Options {
	return bpmn.Options{Expressions: expr.BPMNCompiler{}}
}
