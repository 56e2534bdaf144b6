/** A whole number ≥ 1 from a command-line flag, or a clear error naming the flag. */
export function parsePositiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new Error(`--${flag}: expected a whole number of at least 1, got "${value}"`);
  }
  return n;
}
