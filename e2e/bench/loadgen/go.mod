// The benchmark's own Go programs (see e2e/bench/loadgen/build.sh): a mock provider that costs
// almost nothing, and a probe that times streamed chunks. Standard library only.
module kuberelay.dev/e2e/bench/loadgen

go 1.25.0
