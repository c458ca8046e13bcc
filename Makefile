# Shoal's build. `make run` starts a node; `make test` is what CI runs.
GO        ?= go
BIN       ?= bin/shoal
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
FUZZTIME  ?= 10s

.PHONY: all build run test unit fuzz-short lint fmt vet staticcheck bench clean modeler modeler-test

all: build

build: modeler
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/shoal

run: build
	./$(BIN) start

## test: everything CI checks — lint, unit and integration tests, a short fuzz run,
## the modeler in a real browser.
test: lint unit fuzz-short modeler-test

unit:
	$(GO) test -race -count=1 -timeout 20m ./...

# Each fuzz target runs briefly; a longer run: make fuzz-short FUZZTIME=5m
fuzz-short:
	scripts/fuzz-short.sh $(GO) $(FUZZTIME)

lint: fmt vet staticcheck

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) tool staticcheck ./...

## bench: in-process Go benchmarks of each package, then a short end-to-end
## `shoal bench --embedded` of one_task and ten_tasks (a real node, HTTP, push
## workers), all printed as JSON lines. Longer runs and the chart: docs/benchmarks.md.
BENCHTIME ?= 5s
bench:
	$(GO) test -run='^$$' -bench=. -benchmem -benchtime=1s ./... | $(GO) run ./scripts/benchjson
	$(GO) run ./cmd/shoal bench --embedded --json --workload one_task,ten_tasks --duration $(BENCHTIME) --warmup 1s

clean:
	rm -rf bin modeler/node_modules
	find modeler/dist -mindepth 1 ! -name NOT-BUILT.html -delete

## modeler: the web app (modeler/dist, embedded in the binary), rebuilt when its
## sources change: npm ci when the lockfile changes, then esbuild (build.mjs).
## A plain `go build` without it embeds a page saying the app is not built.
MODELER_SRC := $(shell find modeler/src -type f 2>/dev/null) modeler/build.mjs
modeler: modeler/dist/index.html

modeler/dist/index.html: $(MODELER_SRC) modeler/node_modules/.shoal-installed
	cd modeler && node build.mjs

modeler/node_modules/.shoal-installed: modeler/package.json modeler/package-lock.json
	@command -v npm >/dev/null || { echo "the web modeler needs Node.js (20 or later) and npm; 'go build ./cmd/shoal' builds Shoal without it"; exit 1; }
	cd modeler && npm ci --prefer-offline --no-audit --no-fund
	touch $@

## modeler-test: the browser tests (modeler/test/*.spec.mjs, Playwright driving
## Debian's chromium) against a `shoal start` on a free port and a temp data dir.
modeler-test: build
	node modeler/test/run.mjs $(BIN)
