# kuberelay — the README's two commands are `make demo` and `make test`.
SHELL := /usr/bin/env bash
.DEFAULT_GOAL := help
# Every recipe runs the pinned Node and npm (.ci/node-pins.sh), the image's, not the machine's.
# The directory goes on PATH when make reads this file; `node` (and so `setup`) fills it before
# any recipe needs it.
export PATH := $(shell bash .ci/node.sh --bin-dir):$(PATH)

.PHONY: help node setup build lint typecheck crds crds-check controlplane node-binaries image test test-unit test-e2e demo cluster-demo kind-up kind-down

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

node: ## install the pinned Node and npm into ~/.cache/kuberelay/node (cached)
	@bash .ci/node.sh >/dev/null

setup: ## install system packages, npm packages and the control-plane binaries (cached)
	@bash .ci/setup

build: setup ## compile TypeScript to dist/
	npm run build

lint: setup ## biome lint + format check
	npm run lint

typecheck: setup ## tsc --noEmit over everything, tests included
	npm run typecheck

crds: node ## regenerate crds/ and the chart's CRDs from the zod schemas
	npm run crds

crds-check: setup ## fail when a generated file is stale
	npm run crds -- --check

controlplane: ## build kube-apiserver, kube-controller-manager, kubectl and etcd from Go modules (cached)
	@bash e2e/controlplane/build.sh

node-binaries: ## build the one-node cluster's kubelet, containerd, runc, CNI plugins, CoreDNS, pause (cached)
	@bash e2e/k8s-node/build.sh

image: ## build the container image with podman on a locally made Debian + Node 24 base (cached by content)
	@bash image/build.sh $(IMAGE)

# setup starts the cluster suite's image builds early, beside its Go builds (see .ci/setup).
test test-e2e cluster-demo: export KUBERELAY_PREBUILD_IMAGES := 1

test: setup ## set up and run every check and test: lint, types, generated files, unit, e2e
	npm run lint
	npm run typecheck
	npm run crds -- --check
	npm test

test-unit: setup ## unit tests only
	npm run test:unit

test-e2e: setup ## end-to-end tests only (real control plane)
	npm run test:e2e

demo: setup ## set up and run the local demo on a real control plane (processes; about a minute)
	npm run build
	npm run demo

cluster-demo: setup ## the same loop with kuberelay as Pods on a real one-node cluster, installed by helm
	npm run build
	npm run demo:cluster

kind-up: ## create a kind cluster (needs Docker) and install the CRDs
	kind create cluster --name kuberelay --config kind-config.yaml
	kubectl apply -f crds/

kind-down: ## delete the kind cluster
	kind delete cluster --name kuberelay
