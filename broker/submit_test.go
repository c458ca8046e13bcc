package broker

import (
	"errors"
	"io"
	"net"
	"path/filepath"
	"testing"

	"github.com/shoalbpm/shoal/engine/record"
)

func TestAForwardedCommandWhoseNodeDiesBeforeAnsweringHasAnUnknownOutcome(t *testing.T) {
	// Node 1, which hosts partition 2, reads the request and dies.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				hdr := make([]byte, 9) // "SHL1" | kind | partition
				if _, err := io.ReadFull(c, hdr); err != nil {
					return
				}
				if hdr[4] == 'M' { // a multiplexed connection: acknowledge it
					if _, err := c.Write([]byte{'M'}); err != nil {
						return
					}
				}
				buf := make([]byte, 512)
				_, _ = io.ReadAtLeast(c, buf, 11) // the start of the request
			}()
		}
	}()
	cfg := fastConfig(filepath.Join(t.TempDir(), "node0"))
	cfg.ClusterSize, cfg.PartitionsCount, cfg.ReplicationFactor = 2, 2, 1
	cfg.InternalBind = freePorts(t, 1)[0]
	cfg.Peers = []string{cfg.InternalBind, ln.Addr().String()}
	n := startNode(t, cfg)
	waitReady(t, n)

	_, err = n.Submit(ctx(t), 2, record.Record{Key: -1, SourceRecordPosition: -1, RecordType: record.Command,
		ValueType: record.ProcessInstanceCreation, Intent: record.Create,
		Value: &record.ProcessInstanceCreationRecord{BpmnProcessID: "one-task", Version: -1}})
	if !errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("got %v, want ErrOutcomeUnknown (it may have been appended; a retry could apply it twice)", err)
	}
}
