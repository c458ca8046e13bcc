# Shoal's build. `make run` starts a node; `make test` is what CI runs.
GO        ?= go
BIN       ?= bin/shoal
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
# Packages whose tests run with the race detector (concurrent code).
FUZZTIME  ?= 10s

.PHONY: all build run test unit fuzz-short lint fmt vet staticcheck bench clean

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/shoal

run: build
	./$(BIN) start

## test: everything CI checks — lint, unit and integration tests, a short fuzz run.
test: lint unit fuzz-short

unit:
	$(GO) test -race -count=1 -timeout 20m ./...

# Each fuzz target runs briefly; a longer run: make fuzz-short FUZZTIME=5m
fuzz-short:
	@set -e; for t in $$(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -n1 dirname | sort -u); do \
	  for f in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$t/*_test.go | sed 's/^func //'); do \
	    echo "fuzz $$t $$f ($(FUZZTIME))"; \
	    $(GO) test -run='^$$' -fuzz="^$$f$$" -fuzztime=$(FUZZTIME) $$t || exit 1; \
	  done; \
	done

lint: fmt vet staticcheck

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) tool staticcheck ./...

## bench: in-process Go benchmarks of each package, printed as JSON lines.
bench:
	$(GO) test -run='^$$' -bench=. -benchmem -benchtime=1s ./... | $(GO) run ./scripts/benchjson

clean:
	rm -rf bin
