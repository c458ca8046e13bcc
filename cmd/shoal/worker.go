package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/shoalbpm/shoal/gateway/client"
)

func newWorkerCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "worker TYPE -- COMMAND [ARG...]",
		Short: "Work on jobs of TYPE by running a command per job",
		Long: `worker takes jobs of TYPE as they come (push stream, or long polling
against a gateway without it) and runs COMMAND once per job:

  - the job's variables are its standard input, as a JSON object;
  - SHOAL_JOB_KEY, SHOAL_JOB_TYPE, SHOAL_PROCESS_INSTANCE_KEY,
    SHOAL_ELEMENT_ID and SHOAL_RETRIES are in its environment;
  - exit 0 completes the job; a JSON object printed on standard output
    becomes variables of the instance (no output: no variables);
  - a non-zero exit fails the job with one retry fewer and a back-off; the
    end of its standard error is the error message.

One argument after -- runs through sh -c; several run as they are.
Ctrl-C stops gracefully: running commands finish first.`,
		Args: cobra.MinimumNArgs(2),
	}
	f := addClientFlags(cmd)
	name := cmd.Flags().String("name", "shoal-worker", "the worker name the engine records")
	maxJobs := cmd.Flags().Int("max-jobs", 4, "how many jobs to hold and run at once")
	timeout := cmd.Flags().Duration("job-timeout", 5*time.Minute, "how long a job stays with this worker; the command is killed after it")
	poll := cmd.Flags().Bool("poll", false, "long-poll instead of using the push stream")
	fetch := cmd.Flags().StringSlice("fetch", nil, "the variables to pass (default: all)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if cmd.ArgsLenAtDash() != 1 {
			return fail(cmd, errors.New("expected TYPE -- COMMAND, e.g. shoal worker charge -- ./charge.sh"))
		}
		ctx, cancel := signalContext()
		defer cancel()
		runWorker(ctx, cmd.ErrOrStderr(), f.client(), args[0], args[1:], client.WorkerOptions{
			Name: *name, MaxActiveJobs: *maxJobs, Timeout: *timeout, PollOnly: *poll, FetchVariables: *fetch,
		}, f.address)
		return nil
	}
	return cmd
}

// runWorker works on jobs until ctx ends, then stops gracefully.
func runWorker(ctx context.Context, logTo io.Writer, c *client.Client, jobType string, command []string, opts client.WorkerOptions, address string) {
	log := slog.New(slog.NewTextHandler(logTo, nil))
	opts.Logger = log
	w := c.NewJobWorker(jobType, commandHandler(command, log), opts)
	log.Info("worker started", "type", jobType, "address", address, "command", strings.Join(command, " "))
	<-ctx.Done()
	log.Info("stopping; waiting for running commands")
	w.Close()
	log.Info("worker stopped", "handled", w.Handled())
}

// commandHandler runs command for a job (see the worker command's help).
func commandHandler(command []string, log *slog.Logger) client.JobHandler {
	return func(ctx context.Context, job client.Job) (any, error) {
		var c *exec.Cmd
		if len(command) == 1 {
			c = exec.CommandContext(ctx, "sh", "-c", command[0])
		} else {
			c = exec.CommandContext(ctx, command[0], command[1:]...)
		}
		vars := job.Variables
		if len(vars) == 0 {
			vars = json.RawMessage("{}")
		}
		c.Stdin = bytes.NewReader(vars)
		c.Env = append(os.Environ(),
			"SHOAL_JOB_KEY="+job.Key, "SHOAL_JOB_TYPE="+job.Type,
			"SHOAL_PROCESS_INSTANCE_KEY="+job.ProcessInstanceKey, "SHOAL_ELEMENT_ID="+job.ElementID,
			fmt.Sprintf("SHOAL_RETRIES=%d", job.Retries))
		var stdout, stderr bytes.Buffer
		c.Stdout, c.Stderr = &stdout, &stderr
		if err := c.Run(); err != nil {
			msg := strings.TrimSpace(tail(stderr.String(), 1000))
			if msg == "" {
				msg = err.Error()
			} else {
				msg = err.Error() + ": " + msg
			}
			log.Info("command failed", "jobKey", job.Key, "error", msg)
			return nil, errors.New(msg)
		}
		out := bytes.TrimSpace(stdout.Bytes())
		if len(out) == 0 {
			return nil, nil
		}
		var result map[string]any
		if err := json.Unmarshal(out, &result); err != nil || result == nil {
			return nil, fmt.Errorf("the command succeeded but printed something that is not a JSON object: %.200s", out)
		}
		return result, nil
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}
