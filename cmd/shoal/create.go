package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/shoalbpm/shoal/gateway/client"
)

func newCreateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "create PROCESS_ID",
		Short: "Start an instance of a deployed process",
		Long: `create starts an instance of the latest version of PROCESS_ID (or --version).
With --with-result it waits until the instance completes and prints its
variables (--fetch names the ones to print; --timeout bounds the wait).`,
		Args: cobra.ExactArgs(1),
	}
	f := addClientFlags(cmd)
	vars := cmd.Flags().String("vars", "", "variables of the instance, as a JSON object")
	version := cmd.Flags().Int32("version", 0, "the process version (default: the latest)")
	withResult := cmd.Flags().Bool("with-result", false, "wait for the instance to complete and print its variables")
	fetch := cmd.Flags().StringSlice("fetch", nil, "with --with-result: the variables to print (default: all)")
	timeout := cmd.Flags().Duration("timeout", 0, "with --with-result: how long to wait (default: the gateway's request timeout)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		v, err := parseVars(*vars)
		if err != nil {
			return fail(cmd, err)
		}
		in := client.CreateInstance{ProcessDefinitionID: args[0], Version: *version}
		if v != nil {
			in.Variables = v
		}
		ctx, cancel := signalContext()
		defer cancel()
		var pi *client.ProcessInstance
		if *withResult {
			pi, err = f.client().CreateInstanceWithResult(ctx, in, *fetch, *timeout)
		} else {
			pi, err = f.client().CreateInstance(ctx, in)
		}
		if err != nil {
			if client.StatusOf(err) == 504 {
				return fail(cmd, fmt.Errorf("the instance did not complete in time (it goes on running): %w", err))
			}
			return fail(cmd, err)
		}
		if f.json {
			return printJSON(cmd.OutOrStdout(), pi)
		}
		fmt.Fprintf(cmd.OutOrStdout(), "created instance %s of %s version %d\n",
			pi.ProcessInstanceKey, pi.ProcessDefinitionID, pi.ProcessDefinitionVersion)
		if *withResult {
			fmt.Fprintf(cmd.OutOrStdout(), "completed with variables %s\n", pi.Variables)
		}
		return nil
	}
	return cmd
}
