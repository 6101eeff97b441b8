# ispbill — the two commands: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
CARGO ?= cargo

.PHONY: help run test fmt lint test-rust openapi openapi-check frontend-check e2e fuzz bench clean

help:
	@echo "make run     build API + SPA, find PostgreSQL, seed the demo ISP, serve on :8080"
	@echo "make test    everything CI runs: fmt, clippy, Rust tests, OpenAPI drift, SPA checks, e2e, fuzz"
	@echo "make openapi regenerate openapi/openapi.json and the SPA's API types"
	@echo "make bench   performance benchmarks (see docs/PERFORMANCE.md)"

run:
	@scripts/run.sh

test: fmt lint test-rust openapi-check frontend-check e2e fuzz
	@echo "make test: all checks passed"

fmt:
	$(CARGO) fmt --all -- --check

lint:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

# Unit tests and the black-box HTTP tests; each test gets its own database from a template.
test-rust:
	@scripts/ensure-freeradius.sh
	@base="$$(scripts/ensure-postgres.sh)" && \
	TEST_DATABASE_URL="$$base/postgres" $(CARGO) test --workspace

openapi:
	$(CARGO) run -q -p api --bin export_openapi > openapi/openapi.json
	scripts/ensure-frontend.sh
	cd frontend && npm run gen:api

# Fails when the committed document or the SPA's generated types differ from the code.
openapi-check:
	@scripts/ensure-frontend.sh
	@tmp="$$(mktemp -d)" && \
	$(CARGO) run -q -p api --bin export_openapi > "$$tmp/openapi.json" && \
	if ! diff -u openapi/openapi.json "$$tmp/openapi.json" > "$$tmp/diff"; then \
	  head -n 40 "$$tmp/diff"; echo "openapi/openapi.json is stale: run make openapi"; exit 1; fi && \
	(cd frontend && npx openapi-typescript "$$tmp/openapi.json" -o "$$tmp/schema.d.ts" >/dev/null 2>&1) && \
	if ! diff -u frontend/src/lib/api/schema.d.ts "$$tmp/schema.d.ts" > "$$tmp/diff"; then \
	  head -n 40 "$$tmp/diff"; echo "frontend/src/lib/api/schema.d.ts is stale: run make openapi"; exit 1; fi && \
	echo "openapi-check: document and SPA types match the code"

frontend-check:
	scripts/ensure-frontend.sh
	cd frontend && npm run typecheck && npm run lint && npm test

e2e:
	scripts/e2e.sh

# Schemathesis against the running server: no 5xx, only documented statuses and bodies.
fuzz:
	scripts/fuzz.sh

bench:
	scripts/bench.sh

clean:
	$(CARGO) clean
	rm -rf frontend/dist frontend/node_modules artifacts
