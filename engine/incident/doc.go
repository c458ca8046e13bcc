// Package incident processes INCIDENT RESOLVE: the user fixed the cause
// (variables, job retries) and the instance continues from where it
// stopped.
package incident
