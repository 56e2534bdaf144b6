/**
 * Placeholders handed out within one request: the same value of the same type gets the same
 * placeholder in every text of the request (prompt, system message, streamed response). It holds
 * values only in memory for the request's life, and it serialises to a count, so logging it by
 * mistake leaks nothing.
 */
export class RedactionState {
  readonly #byValue = new Map<string, string>();
  readonly #counts = new Map<string, number>();

  placeholderFor(label: string, value: string): string {
    const key = `${label}\u0000${value}`;
    const known = this.#byValue.get(key);
    if (known !== undefined) return known;
    const n = (this.#counts.get(label) ?? 0) + 1;
    this.#counts.set(label, n);
    const placeholder = `[${label}_${n}]`;
    this.#byValue.set(key, placeholder);
    return placeholder;
  }

  /** How many distinct values were replaced. */
  get size(): number {
    return this.#byValue.size;
  }

  toJSON(): { placeholders: number } {
    return { placeholders: this.#byValue.size };
  }

  toString(): string {
    return `RedactionState(${this.#byValue.size} placeholders)`;
  }
}
