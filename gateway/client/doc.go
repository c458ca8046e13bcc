// Package client is the Go client of Shoal's HTTP API (the Camunda 8 REST
// API v2 plus Shoal's job push stream): deploy, create instances (and wait
// for their result), cancel, resolve incidents, set variables, read the
// topology, and work on jobs, by hand (ActivateJobs, CompleteJob, ...) or
// with a JobWorker.
//
// It imports only the standard library (a test checks it), so that it can
// become a module of its own. Keys are decimal strings, as in the API.
// Every call retries with back-off when the gateway answers 503 or 429
// (back-pressure: nothing was written) or when the connection cannot be
// made; any other error answer is returned as a *Problem.
//
// A JobWorker takes jobs from the push stream (POST /v2/jobs/stream) and
// falls back to long polling (POST /v2/jobs/activation) against a gateway
// without it, such as Camunda's own.
package client
