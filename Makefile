# The operator's and developer's verbs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# cargo-nextest when installed, plain cargo test otherwise.
TEST_RUNNER := $(shell cargo nextest --version >/dev/null 2>&1 && echo "nextest run --config-file .ci/nextest.toml" || echo test)

.PHONY: help
help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

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

.PHONY: up
up: ## Start the shop with Docker on :9000 (offline images are built where no registry answers)
	compose/compose.sh up -d --build
	@echo "the shop: http://localhost:$${GATEWAY_PORT:-9000}  docs: http://localhost:$${GATEWAY_PORT:-9000}/docs/"

.PHONY: down
down: ## Stop the shop (the data stays in its volume)
	compose/compose.sh down

.PHONY: reset
reset: ## Stop the shop and delete its data
	compose/compose.sh down -v

.PHONY: logs
logs: ## Follow the logs of every container
	compose/compose.sh logs -f --tail=100

.PHONY: ps
ps: ## Show the containers and their health
	compose/compose.sh ps

.PHONY: images-offline
images-offline: ## Build every image from Debian packages, for machines with no registry
	compose/offline/build.sh

.PHONY: e2e
e2e: ## Build, start the CI stack, run integration_tests/ on the compose network, tear down
	integration_tests/run.sh

.PHONY: e2e-web
e2e-web: ## The browser journeys in Chromium against a running shop (SHOP_URL, ADMIN_PASSWORD; make e2e runs them too)
	integration_tests/web/run.sh $(ARGS)

.PHONY: fuzz
fuzz: ## schemathesis (every check) against the native shop as a customer and as an admin; the document validated, a generated client used
	.ci/test-services.sh .ci/fuzz.sh

.PHONY: bench-checkout
bench-checkout: ## full checkouts through the gateway at rising rates (p50/p95/p99)
	.ci/test-services.sh .ci/bench-checkout.sh

.PHONY: bench-catalogue
bench-catalogue: ## cached product and list reads against two ceilings measured in the same run
	.ci/test-services.sh .ci/bench-catalogue.sh

.PHONY: bench-users
bench-users: ## 1,000 sign-ups and logins at a release users (rate, p50/p99, peak RSS)
	.ci/test-services.sh .ci/bench-users.sh
