package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newDeployCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "deploy FILE...",
		Short: "Deploy BPMN files to a Shoal node (atomically: all or none)",
		Args:  cobra.MinimumNArgs(1),
	}
	f := addClientFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		ctx, cancel := signalContext()
		defer cancel()
		d, err := f.client().DeployFiles(ctx, args...)
		if err != nil {
			return fail(cmd, err)
		}
		if f.json {
			return printJSON(cmd.OutOrStdout(), d)
		}
		for _, item := range d.Deployments {
			if p := item.ProcessDefinition; p != nil {
				fmt.Fprintf(cmd.OutOrStdout(), "deployed %s version %d (key %s) from %s\n",
					p.ProcessDefinitionID, p.ProcessDefinitionVersion, p.ProcessDefinitionKey, p.ResourceName)
			}
		}
		fmt.Fprintf(cmd.OutOrStdout(), "deployment %s\n", d.DeploymentKey)
		return nil
	}
	return cmd
}
