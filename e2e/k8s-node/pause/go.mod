// The Pod sandbox's PID 1 for the e2e node (see e2e/k8s-node/images.sh). No dependencies.
module kuberelay.dev/e2e/k8s-node/pause

go 1.25.0
