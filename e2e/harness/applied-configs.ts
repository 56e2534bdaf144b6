import type { GatewayHandle } from "./kuberelay-stack.js";

/** How many configs a gateway has swapped in so far, without restarting (its reload counter). */
export async function appliedConfigs(gw: GatewayHandle): Promise<number> {
  const metrics = await (await fetch(`${gw.metricsUrl}/metrics`)).text();
  const line = metrics
    .split("\n")
    .find((l) => l.startsWith('kuberelay_gateway_config_reloads_total{outcome="applied"}'));
  return Number(line?.split(" ").pop() ?? 0);
}
