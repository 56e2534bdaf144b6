# The Pod sandbox image of the e2e node: our pause (e2e/k8s-node/pause) and nothing else.
# Built by e2e/k8s-node/images.sh; no registry is involved.
FROM scratch
COPY pause /pause
USER 65535:65535
ENTRYPOINT ["/pause"]
