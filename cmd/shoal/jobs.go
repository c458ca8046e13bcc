package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/shoalbpm/shoal/gateway/client"
)

func newJobsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "jobs",
		Short: "Work on jobs by hand: activate, complete, fail, give retries",
	}
	cmd.AddCommand(newJobsActivateCmd(), newJobsCompleteCmd(), newJobsFailCmd(), newJobsRetriesCmd())
	return cmd
}

func newJobsActivateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "activate TYPE",
		Short: "Activate jobs of a type and print them",
		Args:  cobra.ExactArgs(1),
	}
	f := addClientFlags(cmd)
	max := cmd.Flags().Int32("max", 1, "the most jobs to activate")
	worker := cmd.Flags().String("worker", "shoal-cli", "the worker name the jobs are activated for")
	timeout := cmd.Flags().Duration("job-timeout", 5*time.Minute, "how long the jobs stay with this worker")
	wait := cmd.Flags().Duration("wait", 0, "how long to wait for a job when none exists (0: the gateway's default long poll, negative: not at all)")
	fetch := cmd.Flags().StringSlice("fetch", nil, "the variables to fetch (default: all)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		ctx, cancel := signalContext()
		defer cancel()
		jobs, err := f.client().ActivateJobs(ctx, client.ActivateJobs{
			Type: args[0], Worker: *worker, Timeout: *timeout, MaxJobs: *max, FetchVariables: *fetch, RequestTimeout: *wait,
		})
		if err != nil {
			return fail(cmd, err)
		}
		if f.json {
			if jobs == nil {
				jobs = []client.Job{}
			}
			return printJSON(cmd.OutOrStdout(), jobs)
		}
		if len(jobs) == 0 {
			fmt.Fprintf(cmd.OutOrStdout(), "no %s job to activate\n", args[0])
		}
		for _, j := range jobs {
			fmt.Fprintf(cmd.OutOrStdout(), "job %s (%s) of instance %s at %s, %d retries, variables %s\n",
				j.Key, j.Type, j.ProcessInstanceKey, j.ElementID, j.Retries, j.Variables)
		}
		return nil
	}
	return cmd
}

func newJobsCompleteCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "complete JOB_KEY",
		Short: "Complete a job, with variables",
		Args:  cobra.ExactArgs(1),
	}
	f := addClientFlags(cmd)
	vars := cmd.Flags().String("vars", "", "variables to complete the job with, as a JSON object")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		v, err := parseVars(*vars)
		if err != nil {
			return fail(cmd, err)
		}
		ctx, cancel := signalContext()
		defer cancel()
		var payload any
		if v != nil {
			payload = v
		}
		if err := f.client().CompleteJob(ctx, args[0], payload); err != nil {
			return fail(cmd, err)
		}
		return done(cmd, f, args[0], "completed")
	}
	return cmd
}

func newJobsFailCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fail JOB_KEY",
		Short: "Fail a job; with no retries left it raises an incident",
		Args:  cobra.ExactArgs(1),
	}
	f := addClientFlags(cmd)
	retries := cmd.Flags().Int32("retries", 0, "the retries the job has left")
	message := cmd.Flags().String("message", "", "why the job failed")
	backoff := cmd.Flags().Duration("backoff", 0, "how long to wait before the job may be activated again")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		ctx, cancel := signalContext()
		defer cancel()
		err := f.client().FailJob(ctx, args[0], client.FailJob{Retries: *retries, ErrorMessage: *message, RetryBackoff: *backoff})
		if err != nil {
			return fail(cmd, err)
		}
		return done(cmd, f, args[0], "failed")
	}
	return cmd
}

func newJobsRetriesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "retries JOB_KEY N",
		Short: "Give a job N retries (before resolving its incident)",
		Args:  cobra.ExactArgs(2),
	}
	f := addClientFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		n, err := strconv.ParseInt(args[1], 10, 32)
		if err != nil || n < 1 {
			return fail(cmd, fmt.Errorf("retries: expected a number > 0, but got %q", args[1]))
		}
		ctx, cancel := signalContext()
		defer cancel()
		r := int32(n)
		if err := f.client().UpdateJob(ctx, args[0], &r, nil); err != nil {
			return fail(cmd, err)
		}
		return done(cmd, f, args[0], "retries updated")
	}
	return cmd
}

// done reports a job command that has no answer body.
func done(cmd *cobra.Command, f *clientFlags, key, what string) error {
	if f.json {
		return printJSON(cmd.OutOrStdout(), map[string]string{"jobKey": key, "result": what})
	}
	fmt.Fprintf(cmd.OutOrStdout(), "job %s %s\n", key, what)
	return nil
}
