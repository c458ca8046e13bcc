// Package modeler serves Shoal's web modeler: bpmn-js with the Zeebe
// properties panel, composed like camunda-bpmn-js, where a person draws a
// process, deploys it and starts instances against this node's API, and the
// monitor (processes, instances, incidents, variables, timelines) over the
// read model's search API and live feeds.
//
// The web app lives in src/ as ES modules; `make modeler` (npm ci, then
// esbuild through build.mjs) bundles it into dist/, which is embedded in the
// binary with //go:embed. A binary built before that (plain `go build` on a
// fresh clone) embeds only dist/NOT-BUILT.html and serves it in place of the
// app, saying how to build it.
//
// Handler serves the embedded files at the root of the HTTP server: hashed
// bundles with a year's immutable caching, index.html revalidated on every
// load, a precompressed .gz twin to clients that accept gzip, and
// index.html for any extension-less path (client-side routes). The API
// (/v2, /metrics, /health, /ready) is routed before it by cmd/shoal.
//
// The package imports only the standard library (checked by
// cmd/shoal/layers_test.go and by this package's tests).
package modeler
