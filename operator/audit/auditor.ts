import { apiErrorMessage } from "../../common/kube/api-error.js";
import type { Logger } from "../../common/log.js";
import type { EventSink } from "../events.js";
import { writeAuditEvent } from "./audit-events.js";
import type { AuditDetail, AuditRecord } from "./audit-record.js";
import type { AuditHistoryRow, AuditStore } from "./audit-store.js";
import { credentialFingerprinter } from "./credential-fingerprint.js";
import { detectChanges, type KnownObject, nextKnown } from "./detect.js";
import type { AuditState, ObservedObject } from "./observed.js";

export interface AuditorOptions {
  log: Logger;
  /** Where Events go, and the instance they name as reporting; none: no Events. */
  events?: { sink: EventSink; instance: string };
  /** The audit table; none: Events only. */
  store?: AuditStore;
  /** Resolves once the table can be read (migrated); seeding waits this long for it at most. */
  storeReady?: Promise<unknown>;
  seedTimeoutMs?: number;
  metrics?: { changes: { inc(labels: { action: string }): void } };
  clock?: () => Date;
}

function stateAtCreation(kind: KnownObject["kind"], d: AuditDetail): AuditState {
  if (kind === "RelayKey") return { disabled: d.disabled === true };
  if (kind === "Policy") return d.contentMode ? { contentMode: d.contentMode } : {};
  return d.secret !== undefined && d.key !== undefined
    ? { credential: { secret: d.secret, key: d.key } }
    : {};
}

/**
 * The audit's memory rebuilt from its own rows: each object's state as last recorded. An object
 * recorded without a `created` row (it predates the audit) is known only in the fields its rows
 * name; the others are taken as they are at the next look. A credential's value is never known
 * from the table (nothing of it is stored): a change made while no operator watched is not seen.
 */
export function replayHistory(rows: readonly AuditHistoryRow[]): Map<string, KnownObject> {
  const known = new Map<string, KnownObject>();
  for (const r of rows) {
    const k = known.get(r.uid) ?? {
      kind: r.kind,
      namespace: r.namespace,
      name: r.name,
      uid: r.uid,
      state: {},
      deleted: false,
    };
    const d = r.detail ?? {};
    switch (r.action) {
      case "created":
        k.state = stateAtCreation(r.kind, d);
        break;
      case "disabled":
      case "enabled":
        k.state.disabled = r.action === "disabled";
        break;
      case "rotated":
        k.state.rotatedAt = r.marker;
        break;
      case "content_mode_changed":
        if (d.to) k.state.contentMode = d.to;
        break;
      case "credential_changed":
        if (d.secret !== undefined && d.key !== undefined)
          k.state.credential = { secret: d.secret, key: d.key };
        else delete k.state.credential;
        break;
      case "deleted":
        k.deleted = true;
        break;
    }
    known.set(r.uid, k);
  }
  return known;
}

/**
 * Decides, at each compile of the leading operator, what changed since the last one (detect.ts),
 * and records it: a log line, a Kubernetes Event on the object, and a row when there is a
 * database. Only the leader calls observe(); a new leader first rebuilds its memory from the
 * table, so what an earlier leader recorded is not recorded again, and what happened in between
 * (a deletion, a disable) is.
 */
export class Auditor {
  private known = new Map<string, KnownObject>();
  private seeded = false;
  private emitting: Promise<void> = Promise.resolve();
  private looks: Promise<unknown> = Promise.resolve();
  private readonly clock: () => Date;
  /** For ProviderKey credentials (credential-fingerprint.ts); its key lives as long as this memory. */
  readonly fingerprint = credentialFingerprinter();

  constructor(private readonly options: AuditorOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  /**
   * Every audited object as it is now; resolves to what changed, once it is being recorded. Looks
   * run one after another; a caller need not wait (the first one reads the table's history).
   */
  observe(objects: readonly ObservedObject[]): Promise<AuditRecord[]> {
    const look = this.looks.then(() => this.look(objects));
    this.looks = look.catch(() => undefined);
    return look;
  }

  private async look(objects: readonly ObservedObject[]): Promise<AuditRecord[]> {
    if (!this.seeded) await this.seed();
    const at = this.clock().toISOString();
    const changes: AuditRecord[] = [];
    const present = new Set<string>();
    for (const o of objects) {
      if (present.has(o.uid)) continue;
      present.add(o.uid);
      const prev = this.known.get(o.uid);
      changes.push(...detectChanges(prev, o, at));
      this.known.set(o.uid, nextKnown(prev, o));
    }
    for (const [uid, prev] of this.known) {
      if (present.has(uid)) continue;
      changes.push(...detectChanges(prev, undefined, at));
      this.known.delete(uid);
    }
    for (const r of changes) this.publish(r);
    return changes;
  }

  /** Resolves once every Event asked for so far was written (or failed) and the rows were tried. */
  async idle(): Promise<void> {
    await this.looks;
    await this.emitting;
    await this.options.store?.flush();
  }

  private async seed(): Promise<void> {
    this.seeded = true;
    const { store, storeReady, log } = this.options;
    if (!store) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("timed out")), this.options.seedTimeoutMs ?? 5_000);
    });
    try {
      const rows = await Promise.race([Promise.resolve(storeReady).then(() => store.history()), timeout]);
      this.known = replayHistory(rows);
      log.info("audit history read", { objects: this.known.size });
    } catch (err) {
      // Without its history, this leader takes every object as it finds it: changes made since
      // the last leader stopped are not recorded, and nothing is recorded twice either.
      log.warn("audit history unreadable; objects are taken as they are now", { error: err });
    } finally {
      clearTimeout(timer);
    }
  }

  private publish(r: AuditRecord): void {
    const { log, store, events, metrics } = this.options;
    log.info("audit", {
      object: `${r.kind}/${r.namespace}/${r.name}`,
      action: r.action,
      actor: r.actor?.manager,
      actorOperation: r.actor?.operation,
      actorSource: r.actorSource,
      detail: r.detail,
    });
    metrics?.changes.inc({ action: r.action });
    store?.record(r);
    if (!events) return;
    this.emitting = this.emitting.then(async () => {
      try {
        await writeAuditEvent(events.sink, r, events.instance);
      } catch (err) {
        log.warn("audit event not recorded", {
          object: `${r.kind}/${r.namespace}/${r.name}`,
          action: r.action,
          error: apiErrorMessage(err),
        });
      }
    });
  }
}
