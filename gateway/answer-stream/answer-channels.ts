import type { BlockReason, Guardrails, RedactionState, StreamInspector } from "../guardrails/index.js";
import type { Finding } from "../guardrails/types.js";

/**
 * The texts of one streamed answer, each checked as it arrives. An answer holds several texts at
 * once (a choice's content and its tool calls' arguments, n choices, Anthropic's content blocks),
 * each a channel with its own StreamInspector, so a value is looked for in the text it belongs
 * to and never across two. All share the request's placeholders.
 */
export class AnswerChannels {
  readonly #inspectors = new Map<string, StreamInspector>();
  #blocked: BlockReason | undefined;

  constructor(
    private readonly guardrails: Guardrails,
    private readonly state: RedactionState,
    /** What each step redacted, for the request's hits and the metric. */
    private readonly onFindings: (findings: readonly Finding[]) => void,
  ) {}

  /** Set once a blocked value appeared: nothing more of the answer may be sent. */
  get blocked(): BlockReason | undefined {
    return this.#blocked;
  }

  /** More text of a channel; answers what may be sent now (redacted), "" while it is held. */
  push(channel: string, text: string): string {
    if (this.#blocked !== undefined) return "";
    let inspector = this.#inspectors.get(channel);
    if (inspector === undefined) {
      inspector = this.guardrails.streamInspector(this.state);
      this.#inspectors.set(channel, inspector);
    }
    return this.#take(inspector.push(text));
  }

  /** The channel's end: what it still held, checked. */
  close(channel: string): string {
    const inspector = this.#inspectors.get(channel);
    if (inspector === undefined || this.#blocked !== undefined) return "";
    this.#inspectors.delete(channel);
    return this.#take(inspector.end());
  }

  /** The ends of the open channels named `prefix`…, in the order they opened. */
  closeAll(prefix = ""): [channel: string, text: string][] {
    return [...this.#inspectors.keys()]
      .filter((c) => c.startsWith(prefix))
      .map((c) => [c, this.close(c)] as [string, string]);
  }

  /**
   * A whole text at once (an API's `done` event repeating what it streamed): checked on its own
   * with the same placeholders, so it reads as the deltas did.
   */
  whole(text: string): string {
    if (this.#blocked !== undefined) return "";
    const inspector = this.guardrails.streamInspector(this.state);
    const head = this.#take(inspector.push(text));
    return head + this.#take(inspector.end());
  }

  #take(step: { text: string; findings: Finding[]; blocked?: BlockReason }): string {
    if (step.blocked !== undefined) {
      this.#blocked = step.blocked;
      const b = step.blocked;
      // The blocking value is counted too: the metric says why the answer was cut.
      if (b.reason === "finding") {
        this.onFindings([{ type: b.type, kind: b.kind, label: b.label, action: "block", start: 0, end: 0 }]);
      }
      return "";
    }
    if (step.findings.length > 0) this.onFindings(step.findings);
    return step.text;
  }
}
