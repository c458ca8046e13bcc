package broker

import "github.com/shoalbpm/shoal/broker/jobpush"

// JobStreamer is implemented by a Cluster that pushes jobs to streams from
// the engine's step (Node does): a job created while a stream of its type
// has free capacity is activated in the step that creates it and handed to
// the stream after the commit, without a JOB_BATCH ACTIVATE command. The
// gateway registers its push streams here, and keeps activating with
// JOB_BATCH ACTIVATE for the jobs that were not pushed.
type JobStreamer interface {
	// AddJobStream registers an open stream; remove unregisters it.
	AddJobStream(s jobpush.Stream) (remove func())
}

var _ JobStreamer = (*Node)(nil)
