/** Whether a name matches one compiled glob. */
export type GlobMatcher = (name: string) => boolean;

/** Compares a literal segment (with `?` as any one character) at one position. */
function segmentAt(name: string, at: number, segment: string): boolean {
  if (at + segment.length > name.length) return false;
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charCodeAt(i);
    if (c !== 63 /* ? */ && c !== name.charCodeAt(at + i)) return false;
  }
  return true;
}

function findSegment(name: string, from: number, end: number, segment: string): number {
  for (let at = from; at + segment.length <= end; at++) {
    if (segmentAt(name, at, segment)) return at;
  }
  return -1;
}

/**
 * Compiles a route glob (`*` any run, `?` one character, everything else literal) into a
 * matcher that never backtracks: Policies are written by tenants, and a regular expression
 * such as `^a.*b.*c.*d.*z$` takes exponential-looking time on a long model name, freezing
 * every tenant's requests on that gateway. Here the text between stars is found leftmost,
 * in order, once each — greedy leftmost placement is always a valid match when any exists
 * — so a match costs at most name length × glob length character comparisons.
 */
export function compileGlob(glob: string): GlobMatcher {
  const parts = glob.split("*");
  const head = parts[0] ?? "";
  if (parts.length === 1) return (name) => name.length === head.length && segmentAt(name, 0, head);
  const tail = parts[parts.length - 1] ?? "";
  const middle = parts.slice(1, -1).filter((p) => p !== "");
  const fixed = head.length + tail.length + middle.reduce((n, p) => n + p.length, 0);
  return (name) => {
    if (name.length < fixed) return false;
    if (!segmentAt(name, 0, head)) return false;
    const tailAt = name.length - tail.length;
    if (!segmentAt(name, tailAt, tail)) return false;
    let at = head.length;
    for (const segment of middle) {
      const found = findSegment(name, at, tailAt, segment);
      if (found < 0) return false;
      at = found + segment.length;
    }
    return true;
  };
}
