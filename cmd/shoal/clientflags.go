package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/shoalbpm/shoal/gateway/client"
)

// defaultAddress is where the client commands find a node's gateway unless
// --address or SHOAL_ADDRESS says otherwise.
const defaultAddress = "http://localhost:8080"

// clientFlags are the flags every command that talks to a node shares.
type clientFlags struct {
	address string
	json    bool
}

// addClientFlags registers --address and --json on cmd.
func addClientFlags(cmd *cobra.Command) *clientFlags {
	f := &clientFlags{}
	addr := os.Getenv("SHOAL_ADDRESS")
	if addr == "" {
		addr = defaultAddress
	}
	cmd.Flags().StringVar(&f.address, "address", addr, "the gateway of a Shoal node (env SHOAL_ADDRESS)")
	cmd.Flags().BoolVar(&f.json, "json", false, "print the answer as JSON, for scripts")
	return f
}

func (f *clientFlags) client() *client.Client { return client.New(f.address) }

// signalContext ends when the user interrupts the command.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// fail prints what went wrong, naming the command, and sets exit status 1.
func fail(cmd *cobra.Command, err error) error {
	fmt.Fprintf(cmd.ErrOrStderr(), "shoal %s: %v\n", cmd.Name(), err)
	return exitError{1}
}

// printJSON writes v indented, for --json.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// parseVars reads a --vars value: a JSON object, or "" for none.
func parseVars(s string) (map[string]any, error) {
	if s == "" {
		return nil, nil
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil || m == nil {
		return nil, fmt.Errorf("--vars: expected a JSON object such as '{\"amount\": 10}', but got %q", s)
	}
	return m, nil
}
