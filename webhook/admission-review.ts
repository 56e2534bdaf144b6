import { z } from "zod";
import type { AddOperation } from "./json-patch.js";
import { isRecord } from "./type-guards.js";

export const ADMISSION_API_VERSION = "admission.k8s.io/v1";

/**
 * The envelope only. `object` stays `unknown` and is passed on as the very value that was sent: a parsed
 * Pod would have lost the fields this schema does not list.
 */
const AdmissionReviewSchema = z.object({
  apiVersion: z.literal(ADMISSION_API_VERSION),
  kind: z.literal("AdmissionReview"),
  request: z.object({
    uid: z.string().min(1),
    kind: z.object({ group: z.string(), version: z.string(), kind: z.string() }),
    subResource: z.string().optional(),
    namespace: z.string().optional(),
    operation: z.string(),
    object: z.unknown(),
    dryRun: z.boolean().optional(),
  }),
});

export interface PodCreateRequest {
  uid: string;
  namespace: string | undefined;
  object: unknown;
  dryRun: boolean;
}

export type ParsedAdmissionReview =
  | { ok: true; request: PodCreateRequest }
  /** `malformed`: not a valid AdmissionReview at all, as opposed to a valid one this webhook does not handle. */
  | { ok: false; uid: string | undefined; reason: string; malformed: boolean };

export function parseAdmissionReview(body: unknown): ParsedAdmissionReview {
  const parsed = AdmissionReviewSchema.safeParse(body);
  if (!parsed.success) {
    const reason = `malformed AdmissionReview: ${summarise(parsed.error)}`;
    return { ok: false, uid: rawUid(body), reason, malformed: true };
  }
  const { request } = parsed.data;
  const skip = (reason: string): ParsedAdmissionReview => ({
    ok: false,
    uid: request.uid,
    reason,
    malformed: false,
  });
  const { group, version, kind } = request.kind;
  if (group !== "" || version !== "v1" || kind !== "Pod") {
    return skip(`not a Pod: ${group}/${version} ${kind}`);
  }
  if (request.subResource) return skip(`subresource ${request.subResource}`);
  if (request.operation !== "CREATE") return skip(`operation ${request.operation}`);
  return {
    ok: true,
    request: {
      uid: request.uid,
      namespace: request.namespace || undefined,
      object: request.object,
      dryRun: request.dryRun ?? false,
    },
  };
}

/** Echoing the uid is what lets the API server match our answer, so salvage it from any shape. */
function rawUid(body: unknown): string | undefined {
  if (!isRecord(body) || !isRecord(body.request)) return undefined;
  const uid = body.request.uid;
  return typeof uid === "string" && uid !== "" ? uid : undefined;
}

function summarise(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
}

export interface AdmissionReviewResponse {
  apiVersion: typeof ADMISSION_API_VERSION;
  kind: "AdmissionReview";
  response: {
    uid: string;
    allowed: true;
    patchType?: "JSONPatch";
    patch?: string;
    warnings?: string[];
  };
}

/** The webhook never denies: at worst a Pod is admitted unchanged, as with `failurePolicy: Ignore`. */
export function buildAdmissionResponse(
  uid: string | undefined,
  result: { patch?: readonly AddOperation[]; warnings?: readonly string[] } = {},
): AdmissionReviewResponse {
  const response: AdmissionReviewResponse["response"] = { uid: uid ?? "", allowed: true };
  if (result.patch !== undefined && result.patch.length > 0) {
    response.patchType = "JSONPatch";
    response.patch = Buffer.from(JSON.stringify(result.patch)).toString("base64");
  }
  if (result.warnings !== undefined && result.warnings.length > 0) response.warnings = [...result.warnings];
  return { apiVersion: ADMISSION_API_VERSION, kind: "AdmissionReview", response };
}
