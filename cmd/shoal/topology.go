package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func newTopologyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "topology",
		Short: "Show the cluster: nodes, and each partition's role and health",
		Args:  cobra.NoArgs,
	}
	f := addClientFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		ctx, cancel := signalContext()
		defer cancel()
		t, err := f.client().Topology(ctx)
		if err != nil {
			return fail(cmd, err)
		}
		if f.json {
			return printJSON(cmd.OutOrStdout(), t)
		}
		out := cmd.OutOrStdout()
		fmt.Fprintf(out, "cluster size %d, %d partitions, replication factor %d, gateway %s\n",
			t.ClusterSize, t.PartitionsCount, t.ReplicationFactor, t.GatewayVersion)
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NODE\tADDRESS\tVERSION\tPARTITION\tROLE\tHEALTH")
		for _, b := range t.Brokers {
			for _, p := range b.Partitions {
				fmt.Fprintf(tw, "%d\t%s:%d\t%s\t%d\t%s\t%s\n", b.NodeID, b.Host, b.Port, b.Version, p.PartitionID, p.Role, p.Health)
			}
			if len(b.Partitions) == 0 {
				fmt.Fprintf(tw, "%d\t%s:%d\t%s\t-\t-\t-\n", b.NodeID, b.Host, b.Port, b.Version)
			}
		}
		return tw.Flush()
	}
	return cmd
}
