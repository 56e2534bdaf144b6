import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { CompiledKey, CompiledPolicy } from "../../common/config/gateway-config.js";
import type { Logger } from "../../common/log.js";
import { continueIfAwaited } from "../../common/process/expect-continue.js";
import type { ProviderName } from "../../common/schemas/provider-key.js";
import { authenticate, callerKey } from "../caller-auth.js";
import { type ContentSettings, captureFor, contentRecord } from "../content/capture.js";
import { type Tapped, tapResponse } from "../content/response-tap.js";
import { badRequest, GatewayError, modelNotFound, routeUnavailable } from "../errors.js";
import type { Hit } from "../guardrails/index.js";
import type { UsageRow } from "../ledger/usage-row.js";
import type { GatewayMetrics } from "../metrics.js";
import { sendError } from "../respond.js";
import { routeFor } from "../route-model.js";
import { checkScope } from "../scopes.js";
import { recordSettled } from "../settled-metrics.js";
import type { Snapshot, SnapshotHolder } from "../snapshot.js";
import type { RequestReader, Surface } from "../surfaces/surface.js";
import { translatorFor } from "../translators/registry.js";
import type { AdmissionGate, AdmissionResult, PriceUsage } from "./admission.js";
import { applyGuardrails, type GuardrailOutcome } from "./apply-guardrails.js";
import { callUpstream } from "./call-upstream.js";
import { clampOutputTokens, generatesOutput, outputTokenCap } from "./clamp-output.js";
import { forwardResponse } from "./forward-response.js";
import type { UsageGrace } from "./forward-stream.js";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "./json-depth.js";
import { NamespaceCaps, refusalError } from "./namespace-caps.js";
import { readBody } from "./read-body.js";
import { dearestReservationUsd, type ReservationInput, reservationUsd } from "./reservation.js";
import { attemptPlan, orderTargets } from "./select-targets.js";
import type { InboundRequest, Operation, Target, Usage } from "./types.js";

type Priced = {
  providerId: string;
  provider: ProviderName;
  model: string;
  overrides?: NonNullable<Target["provider"]["pricing"]>;
};

export interface InferenceDeps {
  snapshots: SnapshotHolder;
  metrics: GatewayMetrics;
  log: Logger;
  limiter: AdmissionGate | undefined;
  price: PriceUsage;
  /** Body size accepted when no Policy or key sets maxRequestBodyBytes. */
  defaultMaxBodyBytes: number;
  /** Attempts per request across the route's targets (fallback plus retries). */
  maxAttempts: number;
  defaultTimeoutMs: number;
  /** How long a stream is still read for its usage after the caller left (default 5 s, 1 MiB). */
  usageGrace?: UsageGrace;
  /** The usage ledger: a row per authenticated request, queued here and written in batches. */
  ledger?: { record(row: UsageRow): void } | undefined;
  /** Content capture (Policy `content`): the content key and what this deployment allows. */
  content?: ContentSettings | undefined;
}

/** Compiled ids are `namespace/name`: a Policy's namespace is the calling tenant's. */
const namespaceOf = (id: string) => id.slice(0, id.indexOf("/"));

const tighter = (a: number | undefined, b: number | undefined) =>
  a === undefined ? b : b === undefined ? a : Math.min(a, b);

function parseBody(bytes: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw badRequest("We could not parse the JSON body of your request.");
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    throw badRequest("The request body must be a JSON object.");
  if (nestsDeeperThan(parsed, MAX_JSON_DEPTH))
    throw badRequest(`The request body nests deeper than ${MAX_JSON_DEPTH} levels.`);
  return parsed as Record<string, unknown>;
}

function plan(
  snapshot: Snapshot,
  policy: CompiledPolicy,
  inbound: InboundRequest,
  deps: InferenceDeps,
): Target[] {
  const route = routeFor(policy, inbound.model);
  if (!route) throw modelNotFound(inbound.model);
  if (route.unavailable) throw routeUnavailable(route.unavailable.message);
  const targets = orderTargets(route.targets).flatMap((t) => {
    const provider = snapshot.providers.get(t.provider);
    if (!provider) return [];
    return [
      {
        provider,
        model: t.model ?? inbound.model,
        timeoutMs: (t.timeoutSeconds ?? 0) * 1000 || deps.defaultTimeoutMs,
      },
    ];
  });
  if (targets.length === 0) throw modelNotFound(inbound.model);
  return attemptPlan(targets, deps.maxAttempts);
}

async function admit(
  key: CompiledKey,
  policy: CompiledPolicy,
  deps: InferenceDeps,
  reserveUsd: number,
): Promise<AdmissionResult | undefined> {
  if (!deps.limiter) return undefined;
  const result = await deps.limiter.admit({
    reserveUsd,
    scopes: [
      { id: `key:${key.id}`, ...(key.limits ? { limits: key.limits } : {}) },
      {
        id: `policy:${key.policy}`,
        ...(policy.limits ? { limits: policy.limits } : {}),
        ...(policy.budget ? { budget: policy.budget } : {}),
      },
    ],
    failOpen: policy.failOpen ?? true,
  });
  if (!result.allowed) throw refusalError(result);
  return result;
}

/** The caller's request as the router handed it over. */
export interface CallerCall {
  req: IncomingMessage;
  res: ServerResponse;
  /** The path's parameters, decoded (a Bedrock model id, an Azure deployment). */
  params: Record<string, string>;
}

/**
 * One inference request, whatever the caller's API: authenticate, read, route, admit,
 * call upstream with fallback, forward, settle usage. One log line at the end.
 */
export async function handleInference(
  { req, res, params }: CallerCall,
  surface: Surface,
  operation: Operation,
  read: RequestReader,
  deps: InferenceDeps,
) {
  const started = performance.now();
  const arrivedAt = Date.now();
  // randomUUID draws from a cached pool of random bytes: no system call per request.
  const requestId = `req_${randomUUID().replaceAll("-", "")}`;
  res.setHeader("x-kuberelay-request-id", requestId);
  const fields: Record<string, unknown> = { requestId, surface: surface.name, operation };
  // Until upstream answers, a caller who leaves cancels the call; after, forwardResponse
  // keeps reading for the usage.
  const caller = new AbortController();
  let awaitingUpstream = true;
  // The caller hung up before the response ended (not the gateway cutting a broken one).
  let callerLeft = false;
  let gatewayCut = false;
  res.once("close", () => {
    if (res.writableFinished) return;
    if (awaitingUpstream) caller.abort();
    if (!gatewayCut) callerLeft = true;
  });
  let admission: AdmissionResult | undefined;
  let caps: NamespaceCaps | undefined;
  let usage: Usage | undefined;
  let usageEstimated = false;
  let priced: Priced | undefined;
  let capture: Capture | undefined;
  try {
    const snapshot = deps.snapshots.current;
    if (!snapshot)
      throw new GatewayError("unavailable", "the gateway has not loaded its config yet", {
        code: "not_ready",
      });
    const key = authenticate(snapshot, callerKey(req.headers), new Date());
    Object.assign(fields, { relayKey: key.id, policy: key.policy });
    const policy = snapshot.policies.get(key.policy);
    if (!policy) throw new GatewayError("internal", "the key's Policy is missing from the config");
    if (policy.unreadable)
      throw new GatewayError("unavailable", policy.unreadable.message, { code: "policy_unreadable" });
    checkScope(policy, surface.name, operation);
    capture = startCapture(policy, res, deps);
    const maxBody =
      tighter(key.limits?.maxRequestBodyBytes, policy.limits?.maxRequestBodyBytes) ??
      deps.defaultMaxBodyBytes;
    // Read only now, for a caller known to hold a key, and never past that key's limit.
    continueIfAwaited(req, res);
    const body = await readBody(req, maxBody);
    const requestBytes = body.length;
    const inbound: InboundRequest = {
      surface: surface.name,
      ...read(parseBody(body), { headers: req.headers, params }),
    };
    Object.assign(fields, { operation: inbound.operation, model: inbound.model, stream: inbound.stream });
    const answerChecks = guardRequest(policy, inbound, fields, deps.metrics);
    // Kept only once the guardrails passed it, as forwarded: a request they blocked (or could not
    // check) keeps no body, so a blocked value is not stored even sealed; a redacted one is
    // kept redacted.
    if (capture) capture.request = answerChecks?.redacted ? Buffer.from(JSON.stringify(inbound.body)) : body;
    const attempts = plan(snapshot, policy, inbound, deps);
    const clamp = clampOutputTokens(
      inbound,
      tighter(key.limits?.maxOutputTokens, policy.limits?.maxOutputTokens),
    );
    if (clamp.clamped) res.setHeader("x-kuberelay-max-output-tokens", "clamped");
    const outbound = {
      ...inbound,
      body: clamp.body,
      ...(clamp.added ? { outputCapAdded: true as const } : {}),
    };
    const cost: ReservationInput = {
      requestBytes,
      outputCap: outputTokenCap(inbound.operation, clamp.body),
      generatesOutput: generatesOutput(inbound.operation),
    };
    admission = await admit(key, policy, deps, dearestReservationUsd(deps.price, attempts, cost));
    caps = new NamespaceCaps(deps.limiter, namespaceOf(key.policy), (t) =>
      reservationUsd(deps.price, t, cost),
    );
    const namespaceCaps = caps;
    if (admission?.allowed) for (const h in admission.headers) res.setHeader(h, admission.headers[h] ?? "");

    const upstream = await callUpstream(
      attempts,
      (t) => translatorFor(inbound.operation, t.provider.provider).request(outbound, t),
      {
        signal: caller.signal,
        admitTarget: (t) => namespaceCaps.admit(t),
        onRetry: (r) =>
          deps.metrics.upstreamRetries.inc({ reason: r.reason.startsWith("status") ? "status" : r.reason }),
      },
    );
    awaitingUpstream = false;
    const provider = upstream.target.provider;
    Object.assign(fields, {
      provider: provider.id,
      upstreamModel: upstream.target.model,
      attempts: upstream.attempts,
    });
    fields.upstreamStatus = upstream.response.status;
    deps.metrics.upstreamDuration.observe({ provider: provider.provider }, upstream.upstreamMs / 1000);
    priced = {
      providerId: provider.id,
      provider: provider.provider,
      model: upstream.target.model,
      ...(provider.pricing ? { overrides: provider.pricing } : {}),
    };
    const forwarded = await forwardResponse(upstream, res, {
      inbound,
      translator: translatorFor(inbound.operation, provider.provider),
      secrets: upstream.secrets,
      ownRateLimits: Boolean(admission?.allowed && Object.keys(admission.headers).length > 0),
      requestBytes,
      outputCap: cost.outputCap,
      ...(deps.usageGrace ? { usageGrace: deps.usageGrace } : {}),
      onFirstByte: () => {
        fields.firstByteMs = Math.round(performance.now() - started);
      },
      logFields: fields,
      checkAnswer: answerChecks?.checkAnswer,
      answerStream: answerChecks?.answerStream,
    });
    usage = forwarded.usage;
    usageEstimated = forwarded.usageEstimated;
    if (forwarded.error) fields.error = forwarded.error;
    if (forwarded.withheld) throw forwarded.withheld;
  } catch (err) {
    gatewayCut = res.headersSent;
    renderFailure(err, req, res, surface, fields);
  } finally {
    await settle({
      started,
      arrivedAt,
      res,
      surface,
      fields,
      deps,
      admission,
      caps,
      usage,
      usageEstimated,
      priced,
      cancelled: callerLeft,
      capture,
    });
  }
}

function renderFailure(
  err: unknown,
  req: IncomingMessage,
  res: ServerResponse,
  surface: Surface,
  fields: Record<string, unknown>,
) {
  const e =
    err instanceof GatewayError
      ? err
      : new GatewayError("internal", "The gateway failed to handle the request.");
  if (!(err instanceof GatewayError)) fields.error = err;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // A body not read (unauthenticated, too large) is not drained either: the connection closes.
  sendError(req, res, surface.renderError(e));
}

interface Settlement {
  started: number;
  /** Epoch ms, for the ledger. */
  arrivedAt: number;
  res: ServerResponse;
  surface: Surface;
  fields: Record<string, unknown>;
  deps: InferenceDeps;
  admission: AdmissionResult | undefined;
  caps: NamespaceCaps | undefined;
  usage: Usage | undefined;
  usageEstimated: boolean;
  priced: Priced | undefined;
  cancelled: boolean;
  capture: Capture | undefined;
}

/** A request whose Policy keeps its content: the body read, and what the caller was sent. */
interface Capture {
  encoding: "aes-256-gcm" | "plaintext";
  request: Buffer | undefined;
  response: Tapped;
}

function startCapture(policy: CompiledPolicy, res: ServerResponse, deps: InferenceDeps): Capture | undefined {
  if (!deps.content || !policy.content) return undefined;
  const decision = captureFor(policy, deps.content);
  if (!decision.capture) {
    if (decision.reason) deps.metrics.contentNotCaptured.inc({ reason: decision.reason });
    return undefined;
  }
  return {
    encoding: decision.encoding,
    request: undefined,
    response: tapResponse(res, deps.content.maxBytes),
  };
}

/** Records usage against limits and budgets, metrics, and the request's one log line. */
async function settle({
  started,
  arrivedAt,
  res,
  surface,
  fields,
  deps,
  admission,
  caps,
  usage,
  usageEstimated,
  priced,
  cancelled,
  capture,
}: Settlement): Promise<void> {
  const price = usage && priced ? deps.price({ ...priced, ...usage }) : 0;
  if (price === undefined && priced) deps.metrics.unpricedRequests.inc({ provider: priced.provider });
  const costUsd = price ?? 0;
  const settled = { inputTokens: usage?.inputTokens ?? 0, outputTokens: usage?.outputTokens ?? 0, costUsd };
  if (admission?.allowed) {
    // Settling must never fail the request: the limiter reports its store errors itself.
    await admission.finish(settled).catch(() => undefined);
  }
  await caps?.finish(priced?.providerId, settled);
  const seconds = (performance.now() - started) / 1000;
  const provider = priced?.provider ?? "none";
  deps.metrics.requests.inc({ surface: surface.name, code_class: `${Math.floor(res.statusCode / 100)}xx` });
  deps.metrics.duration.observe({ surface: surface.name }, seconds);
  if (usage) {
    deps.metrics.tokens.inc({ provider, direction: "input" }, usage.inputTokens);
    deps.metrics.tokens.inc({ provider, direction: "output" }, usage.outputTokens);
    deps.metrics.costUsd.inc({ provider }, costUsd);
  }
  recordSettled(deps.metrics.genAi, deps.snapshots.current, {
    fields,
    provider: priced?.provider,
    status: res.statusCode,
    seconds,
    usage,
    costUsd,
  });
  const durationMs = Math.round(seconds * 1000);
  if (deps.ledger && typeof fields.relayKey === "string" && typeof fields.policy === "string") {
    deps.ledger.record({
      requestId: String(fields.requestId),
      occurredAt: arrivedAt,
      relayKey: fields.relayKey,
      policy: fields.policy,
      surface: surface.name,
      operation: stringOr(fields.operation),
      model: stringOr(fields.model),
      providerKey: priced?.providerId,
      provider: priced?.provider,
      upstreamModel: priced?.model,
      status: res.statusCode,
      inputTokens: settled.inputTokens,
      outputTokens: settled.outputTokens,
      costUsd,
      durationMs,
      firstByteMs: typeof fields.firstByteMs === "number" ? fields.firstByteMs : undefined,
      streamed: fields.stream === true,
      cancelled,
      usageEstimated,
      guardrailHits: guardrailHitsOf(fields.guardrails),
      content: capture && deps.content ? sealed(String(fields.requestId), capture, deps.content) : undefined,
    });
  }
  deps.log.info("request", {
    ...fields,
    status: res.statusCode,
    durationMs,
    ...(usage ? { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, costUsd } : {}),
    ...(usageEstimated ? { usageEstimated } : {}),
  });
}

const stringOr = (v: unknown) => (typeof v === "string" ? v : undefined);

function sealed(requestId: string, capture: Capture, settings: ContentSettings) {
  const body = capture.request ?? Buffer.alloc(0);
  const request = { bytes: body.subarray(0, settings.maxBytes), truncated: body.length > settings.maxBytes };
  const response = { bytes: capture.response.bytes(), truncated: capture.response.truncated };
  return contentRecord(requestId, capture.encoding, settings.key, request, response);
}

/** The guardrails' hits as the ledger keeps them, `kind:type:action` → count. */
function guardrailHitsOf(hits: unknown): Record<string, number> | undefined {
  if (!Array.isArray(hits) || hits.length === 0) return undefined;
  return Object.fromEntries((hits as Hit[]).map((h) => [`${h.kind}:${h.type}:${h.action}`, h.count]));
}

/**
 * The Policy's guardrails on the request (apply-guardrails.ts); what they found goes on the log
 * line. Answers the checks for the answer, complete or streamed, when the Policy checks answers.
 */
function guardRequest(
  policy: CompiledPolicy,
  inbound: InboundRequest,
  fields: Record<string, unknown>,
  metrics: GatewayMetrics,
): Pick<GuardrailOutcome, "checkAnswer" | "answerStream" | "redacted"> | undefined {
  const guarded = applyGuardrails(policy, inbound, metrics);
  if (!guarded) return undefined;
  // The same list gains the answer's hits, if the Policy checks answers.
  fields.guardrails = guarded.hits;
  return guarded;
}
