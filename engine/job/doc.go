// Package job processes the JOB and JOB_BATCH commands: activate a batch
// for a worker, complete, fail, throw an error, update retries and timeout,
// yield, and the time-driven TIME_OUT and RECUR_AFTER_BACKOFF commands that
// the broker sends with a timestamp (the engine never reads a clock).
//
// Command values, as the gateway fills them (Key is the job key):
//
//	COMPLETE        JobRecord{Variables}
//	FAIL            JobRecord{Retries, ErrorMessage, RetryBackoff (ms), Variables}
//	THROW_ERROR     JobRecord{ErrorCode, ErrorMessage, Variables}
//	UPDATE_RETRIES  JobRecord{Retries}
//	UPDATE_TIMEOUT  JobRecord{Timeout (ms)}
//	YIELD           JobRecord{} (a push stream handed the job back)
//	JOB_BATCH ACTIVATE JobBatchRecord{Type, Worker, Timeout, MaxJobsToActivate, Variables}
//
// Rejection texts are Zeebe's (JobCommandPreconditionChecker and friends).
package job
