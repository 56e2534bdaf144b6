/** Where a V8 CPU profile (`node --cpu-prof`) spent its samples: by function and by origin. */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface CpuProfile {
  nodes: ProfileNode[];
  /** Microseconds. */
  startTime: number;
  endTime: number;
  /** The node sampled at each tick, and the microseconds since the previous tick. */
  samples?: number[];
  timeDeltas?: number[];
}

/**
 * The profile cut to its last `seconds` before `endTime` less `tailSeconds`: start-up and
 * shutdown left out, hit counts recounted from the samples in that window.
 */
export function lastSeconds(profile: CpuProfile, seconds: number, tailSeconds = 0): CpuProfile {
  const { samples = [], timeDeltas = [] } = profile;
  const to = profile.endTime - tailSeconds * 1e6;
  const from = to - seconds * 1e6;
  const hits = new Map<number, number>();
  let at = profile.startTime;
  samples.forEach((id, i) => {
    at += timeDeltas[i] ?? 0;
    if (at >= from && at <= to) hits.set(id, (hits.get(id) ?? 0) + 1);
  });
  return { ...profile, nodes: profile.nodes.map((n) => ({ ...n, hitCount: hits.get(n.id) ?? 0 })) };
}

export interface Share {
  name: string;
  /** Percent of the samples taken while the process was not idle. */
  percent: number;
}

const SPECIAL = new Set(["(garbage collector)", "(program)", "(idle)", "(root)"]);

/**
 * Where a frame's code comes from: a package under node_modules, Node itself, one of our
 * source files (the path below dist/), or V8's own buckets such as the garbage collector.
 */
export function originOf(frame: ProfileNode["callFrame"]): string {
  if (SPECIAL.has(frame.functionName)) return frame.functionName;
  const { url } = frame;
  if (url === "") return "(native)";
  if (url.startsWith("node:")) return "node internals";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  const ours = /\/dist\/(.+?)\.js$/.exec(url)?.[1];
  return ours ? `kuberelay ${ours}` : url;
}

function shares(profile: CpuProfile, key: (n: ProfileNode) => string): Share[] {
  const busy = profile.nodes.filter((n) => n.callFrame.functionName !== "(idle)");
  const total = busy.reduce((sum, n) => sum + (n.hitCount ?? 0), 0);
  const sums = new Map<string, number>();
  for (const n of busy) sums.set(key(n), (sums.get(key(n)) ?? 0) + (n.hitCount ?? 0));
  return [...sums]
    .map(([name, hits]) => ({ name, percent: total === 0 ? 0 : (100 * hits) / total }))
    .sort((a, b) => b.percent - a.percent);
}

/** Self time by origin (package, Node, our file, GC). */
export const byOrigin = (profile: CpuProfile): Share[] => shares(profile, (n) => originOf(n.callFrame));

/** Self time by function, named with its origin and line. */
export const byFunction = (profile: CpuProfile): Share[] =>
  shares(profile, (n) => {
    const f = n.callFrame;
    const origin = originOf(f);
    if (origin === f.functionName) return origin;
    return `${f.functionName || "(anonymous)"} ${origin}:${f.lineNumber + 1}`;
  });

/** The fraction of the profile's wall time that was not idle. */
export function busyFraction(profile: CpuProfile): number {
  const all = profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0);
  const idle = profile.nodes
    .filter((n) => n.callFrame.functionName === "(idle)")
    .reduce((s, n) => s + (n.hitCount ?? 0), 0);
  return all === 0 ? 0 : (all - idle) / all;
}
