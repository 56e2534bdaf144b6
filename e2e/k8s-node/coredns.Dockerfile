# The e2e cluster's DNS: the CoreDNS binary from e2e/k8s-node/build.sh and nothing else. It
# runs unprivileged, so the Corefile (a ConfigMap at /etc/coredns/Corefile, passed with -conf)
# must bind a port above 1023, such as 1053; the Service maps 53 to it.
# Built by e2e/k8s-node/images.sh; no registry is involved.
FROM scratch
COPY coredns /coredns
USER 65532:65532
ENTRYPOINT ["/coredns"]
