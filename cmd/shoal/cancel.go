package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newCancelCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cancel PROCESS_INSTANCE_KEY",
		Short: "Cancel a process instance",
		Args:  cobra.ExactArgs(1),
	}
	f := addClientFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		ctx, cancel := signalContext()
		defer cancel()
		if err := f.client().CancelInstance(ctx, args[0]); err != nil {
			return fail(cmd, err)
		}
		if f.json {
			return printJSON(cmd.OutOrStdout(), map[string]string{"processInstanceKey": args[0], "state": "CANCELED"})
		}
		fmt.Fprintf(cmd.OutOrStdout(), "canceled instance %s\n", args[0])
		return nil
	}
	return cmd
}

func newResolveCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "resolve INCIDENT_KEY",
		Short: "Resolve an incident: the instance continues where it stopped",
		Long: `resolve marks an incident resolved. For a job that ran out of retries, give the
job retries first (shoal jobs retries KEY N), or it fails again at once.`,
		Args: cobra.ExactArgs(1),
	}
	f := addClientFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		ctx, cancel := signalContext()
		defer cancel()
		if err := f.client().ResolveIncident(ctx, args[0]); err != nil {
			return fail(cmd, err)
		}
		if f.json {
			return printJSON(cmd.OutOrStdout(), map[string]string{"incidentKey": args[0], "state": "RESOLVED"})
		}
		fmt.Fprintf(cmd.OutOrStdout(), "resolved incident %s\n", args[0])
		return nil
	}
	return cmd
}
