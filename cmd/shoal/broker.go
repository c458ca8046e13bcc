package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newBrokerCmd() *cobra.Command {
	s := &nodeSettings{}
	cmd := &cobra.Command{
		Use:   "broker",
		Short: "Run one node of a Shoal cluster",
		Long: `Run one node of a Shoal cluster. Partitions are placed on nodes round-robin
(as Zeebe does); each is a raft group over the nodes' internal ports. Every
node serves the REST API and forwards commands to partition leaders.

Example, three nodes on one machine (see scripts/cluster.sh):

  shoal broker --node-id 0 --cluster-size 3 --partitions 3 --replication-factor 3 \
    --peers 127.0.0.1:26502,127.0.0.1:26512,127.0.0.1:26522 \
    --internal-addr 127.0.0.1:26502 --http-addr :8080 --data-dir data/node0
` + settingsHelp,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := s.load(cmd); err != nil {
				return err
			}
			if s.clusterSize > 1 && len(s.peers) != int(s.clusterSize) {
				fmt.Fprintf(cmd.ErrOrStderr(), "shoal: --peers lists %d nodes, --cluster-size is %d\n", len(s.peers), s.clusterSize)
				return exitError{2}
			}
			if s.nodeID < 0 || s.nodeID >= max(s.clusterSize, 1) {
				fmt.Fprintf(cmd.ErrOrStderr(), "shoal: --node-id %d outside 0..%d\n", s.nodeID, s.clusterSize-1)
				return exitError{2}
			}
			if s.clusterSize > 1 && s.advertiseAddr == "" {
				s.advertiseAddr = s.peers[s.nodeID]
			}
			return runNode(cmd, s)
		},
	}
	s.register(cmd.Flags(), true)
	return cmd
}
