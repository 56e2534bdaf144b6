// CoreDNS with only the plugins the e2e node's Corefile uses (e2e/cluster/node/cluster-dns.ts).
// The released binary links every plugin, cloud SDKs included: twice the build time, for nothing
// the node runs. A Corefile naming a plugin missing here fails at start with "unknown directive".
package main

import (
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/ready"
)

func main() {
	coremain.Run()
}
