// Command shoal is the one Shoal binary: it runs a node (start, broker), and
// talks to one (deploy, create, worker, ...), and checks BPMN files offline.
//
// This file only wires the subcommands; each lives in a file of its own.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

// exitError carries a process exit code out of a subcommand without printing
// anything more (the subcommand has already said what went wrong).
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "shoal",
		Short:         "Shoal: a BPMN 2.0 process engine in one binary",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(
		newStartCmd(),
		newBrokerCmd(),
		newDeployCmd(),
		newCreateCmd(),
		newCancelCmd(),
		newResolveCmd(),
		newTopologyCmd(),
		newJobsCmd(),
		newWorkerCmd(),
		newVersionCmd(),
		newCheckCmd(),
		newEvalCmd(),
		newBenchCmd(),
	)
	return root
}

func main() {
	err := newRootCmd().Execute()
	var ee exitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		os.Exit(ee.code)
	default:
		fmt.Fprintln(os.Stderr, "shoal:", err)
		os.Exit(1)
	}
}
