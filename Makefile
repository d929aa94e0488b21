# The operator's and developer's verbs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# cargo-nextest when installed, plain cargo test otherwise.
TEST_RUNNER := $(shell cargo nextest --version >/dev/null 2>&1 && echo "nextest run" || echo test)

.PHONY: help
help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

.PHONY: test
test: ## Run every test against a real PostgreSQL and Redis (started if none answers)
	.ci/test-services.sh cargo $(TEST_RUNNER) --workspace $(ARGS)

.PHONY: dev
dev: ## Run the six services natively, the gateway on :9000 (Ctrl-C stops all)
	.ci/test-services.sh .ci/dev.sh

.PHONY: lint
lint: ## cargo fmt --check and clippy with warnings denied
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

.PHONY: fmt
fmt: ## Format the code
	cargo fmt --all

.PHONY: build
build: ## Build release binaries
	cargo build --release --workspace --bins
