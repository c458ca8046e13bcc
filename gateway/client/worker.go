package client

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// JobHandler does one job. It returns the variables to complete the job
// with (anything that encodes to a JSON object, or nil), or an error: a
// *BPMNError throws that error in the process; any other error fails the
// job with one retry fewer and a back-off. ctx ends at the job's deadline.
type JobHandler func(ctx context.Context, job Job) (variables any, err error)

// BPMNError is a business error for an error event to catch.
type BPMNError struct {
	Code      string
	Message   string
	Variables any
}

func (e *BPMNError) Error() string { return fmt.Sprintf("BPMN error %s: %s", e.Code, e.Message) }

// WorkerOptions tune a JobWorker; zero values mean the defaults.
type WorkerOptions struct {
	// Name identifies the worker to the engine; default "shoal-go-worker".
	Name string
	// MaxActiveJobs is how many jobs the worker holds at once; default 32.
	MaxActiveJobs int
	// Concurrency is how many handlers run at once; default MaxActiveJobs.
	Concurrency int
	// Timeout is how long a job stays with the worker; default 5 minutes.
	Timeout time.Duration
	// FetchVariables names the variables to fetch (none: all).
	FetchVariables []string
	// PollOnly skips the push stream and long-polls from the start.
	PollOnly bool
	// PollTimeout is the requestTimeout of a long poll; default 0, the
	// gateway's default.
	PollTimeout time.Duration
	// FailBackoff gives the retry back-off of a job whose handler failed;
	// default: 1s doubled for each retry already used (assuming Zeebe's
	// default of 3), at most 1 minute.
	FailBackoff func(Job) time.Duration
	// Logger receives the worker's logs; default slog.Default().
	Logger *slog.Logger
}

// JobWorker works on jobs of one type until Close.
type JobWorker struct {
	c       *Client
	typ     string
	handler JobHandler
	opts    WorkerOptions
	log     *slog.Logger

	jobs     chan Job      // taken, not yet handled
	slots    chan struct{} // one per job held
	stop     chan struct{} // closed by Close: handlers take no more jobs
	fetchCtx context.Context
	cancel   context.CancelFunc
	polling  atomic.Bool
	fetchers sync.WaitGroup
	handlers sync.WaitGroup
	once     sync.Once
	handled  atomic.Int64
}

// NewJobWorker starts a worker for jobs of jobType.
func (c *Client) NewJobWorker(jobType string, handler JobHandler, opts WorkerOptions) *JobWorker {
	if opts.Name == "" {
		opts.Name = "shoal-go-worker"
	}
	if opts.MaxActiveJobs <= 0 {
		opts.MaxActiveJobs = 32
	}
	if opts.Concurrency <= 0 || opts.Concurrency > opts.MaxActiveJobs {
		opts.Concurrency = opts.MaxActiveJobs
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 5 * time.Minute
	}
	if opts.FailBackoff == nil {
		opts.FailBackoff = defaultFailBackoff
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	ctx, cancel := context.WithCancel(context.Background())
	w := &JobWorker{
		c: c, typ: jobType, handler: handler, opts: opts,
		log:      opts.Logger.With("jobType", jobType, "worker", opts.Name),
		jobs:     make(chan Job, opts.MaxActiveJobs),
		slots:    make(chan struct{}, opts.MaxActiveJobs),
		stop:     make(chan struct{}),
		fetchCtx: ctx,
		cancel:   cancel,
	}
	w.polling.Store(opts.PollOnly)
	for i := 0; i < opts.Concurrency; i++ {
		w.handlers.Add(1)
		go w.runHandler()
	}
	w.fetchers.Add(1)
	go w.fetch()
	return w
}

func defaultFailBackoff(j Job) time.Duration {
	used := 3 - j.Retries
	if used < 0 {
		used = 0
	}
	if used > 6 {
		return time.Minute
	}
	return time.Second << used
}

// Polling tells whether the worker long-polls (the gateway has no push
// stream, or PollOnly).
func (w *JobWorker) Polling() bool { return w.polling.Load() }

// Handled returns how many jobs the handler has finished.
func (w *JobWorker) Handled() int64 { return w.handled.Load() }

// Close stops the worker gracefully: handlers finish the job they are on
// (and complete or fail it), take no more, and the jobs taken but not
// started are handed back (a stream's by the gateway as it closes; a long
// poll's by failing them without using a retry).
func (w *JobWorker) Close() error {
	w.once.Do(func() {
		close(w.stop)
		if w.Polling() {
			w.cancel() // nothing held by a long poll is lost: see handBack
		}
		w.handlers.Wait()
		w.cancel()
		w.fetchers.Wait()
		for {
			select {
			case j := <-w.jobs:
				w.handBack(j)
				continue
			default:
			}
			break
		}
	})
	return nil
}

// fetch takes jobs from the stream, falling back to long polling.
func (w *JobWorker) fetch() {
	defer w.fetchers.Done()
	backoff := 100 * time.Millisecond
	for w.fetchCtx.Err() == nil {
		var err error
		if w.Polling() {
			err = w.pollOnce()
		} else {
			err = w.c.StreamJobs(w.fetchCtx, StreamJobs{
				Type: w.typ, Worker: w.opts.Name, Timeout: w.opts.Timeout,
				FetchVariables: w.opts.FetchVariables, Capacity: int32(w.opts.MaxActiveJobs),
			}, w.take)
			if errors.Is(err, ErrStreamUnsupported) {
				w.log.Info("the gateway has no job push stream; long polling instead")
				w.polling.Store(true)
				continue
			}
			if w.fetchCtx.Err() == nil {
				w.dropUnstarted()
			}
		}
		if err == nil {
			backoff = 100 * time.Millisecond
			continue
		}
		if w.fetchCtx.Err() != nil {
			return
		}
		w.log.Warn("fetching jobs failed; retrying", "error", err, "backoff", backoff)
		select {
		case <-time.After(backoff):
		case <-w.fetchCtx.Done():
			return
		}
		if backoff *= 2; backoff > 5*time.Second {
			backoff = 5 * time.Second
		}
	}
}

// take hands a streamed job to the handlers. The gateway respects the
// capacity, so a free slot is at most a moment away.
func (w *JobWorker) take(j Job) {
	select {
	case w.slots <- struct{}{}:
	case <-w.fetchCtx.Done():
		return // the stream is ending: the gateway hands the job back
	}
	w.jobs <- j
}

// dropUnstarted forgets the streamed jobs not yet started when a stream
// breaks: the gateway yielded them as the stream closed, and they may
// already be with another worker.
func (w *JobWorker) dropUnstarted() {
	for {
		select {
		case <-w.jobs:
			<-w.slots
		default:
			return
		}
	}
}

// pollOnce long-polls for as many jobs as there are free slots.
func (w *JobWorker) pollOnce() error {
	select {
	case w.slots <- struct{}{}:
	case <-w.fetchCtx.Done():
		return nil
	}
	n := 1
	for n < w.opts.MaxActiveJobs {
		select {
		case w.slots <- struct{}{}:
			n++
			continue
		default:
		}
		break
	}
	start := time.Now()
	jobs, err := w.c.ActivateJobs(w.fetchCtx, ActivateJobs{
		Type: w.typ, Worker: w.opts.Name, Timeout: w.opts.Timeout, MaxJobs: int32(n),
		FetchVariables: w.opts.FetchVariables, RequestTimeout: w.opts.PollTimeout,
	})
	for i := len(jobs); i < n; i++ {
		<-w.slots
	}
	for _, j := range jobs {
		w.jobs <- j
	}
	// A gateway that answers empty at once (no long polling) must not make
	// the worker spin.
	if err == nil && len(jobs) == 0 {
		if rest := minPollInterval - time.Since(start); rest > 0 {
			select {
			case <-time.After(rest):
			case <-w.fetchCtx.Done():
			}
		}
	}
	return err
}

// minPollInterval is the least time between two long polls that found no job.
const minPollInterval = 100 * time.Millisecond

func (w *JobWorker) runHandler() {
	defer w.handlers.Done()
	for {
		select {
		case <-w.stop:
			return
		case j := <-w.jobs:
			select {
			case <-w.stop: // closing: leave it to be handed back
				w.jobs <- j
				return
			default:
			}
			w.handle(j)
			<-w.slots
		}
	}
}

// handle runs the handler on one job and reports the outcome.
func (w *JobWorker) handle(j Job) {
	ctx, cancel := context.WithDeadline(context.Background(), time.UnixMilli(j.Deadline))
	if j.Deadline <= 0 {
		ctx, cancel = context.WithTimeout(context.Background(), w.opts.Timeout)
	}
	defer cancel()
	vars, err := w.runSafely(ctx, j)
	report, rcancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer rcancel()
	var bpmnErr *BPMNError
	switch {
	case err == nil:
		err = w.c.CompleteJob(report, j.Key, vars)
	case errors.As(err, &bpmnErr):
		err = w.c.ThrowError(report, j.Key, bpmnErr.Code, bpmnErr.Message, bpmnErr.Variables)
	default:
		retries := j.Retries - 1
		if retries < 0 {
			retries = 0
		}
		w.log.Info("job handler failed", "jobKey", j.Key, "retriesLeft", retries, "error", err)
		err = w.c.FailJob(report, j.Key, FailJob{Retries: retries, ErrorMessage: err.Error(), RetryBackoff: w.opts.FailBackoff(j)})
	}
	if err != nil {
		w.log.Warn("reporting the job's outcome failed", "jobKey", j.Key, "error", err)
	}
	w.handled.Add(1)
}

// runSafely turns a handler panic into a failure of the job.
func (w *JobWorker) runSafely(ctx context.Context, j Job) (vars any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("job handler panicked: %v", r)
		}
	}()
	return w.handler(ctx, j)
}

// handBack returns a job taken but never started. A streamed job needs
// nothing: the gateway yields what a closed stream held. A polled job is
// failed with its retries unchanged and no back-off, so it is activatable
// again at once.
func (w *JobWorker) handBack(j Job) {
	if !w.Polling() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := w.c.FailJob(ctx, j.Key, FailJob{Retries: j.Retries, ErrorMessage: "worker closed before handling the job"}); err != nil {
		w.log.Warn("handing a job back failed; it is activatable again at its deadline", "jobKey", j.Key, "error", err)
	}
}
