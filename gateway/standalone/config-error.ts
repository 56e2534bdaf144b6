import { type ConfigProblem, formatProblem } from "./config-problem.js";

/** Shown in one log line, so a broken directory with many files does not flood it. */
const MAX_LISTED = 10;

/**
 * A config directory that cannot be loaded. Each problem names the file and the object at
 * fault and the field; none ever quotes a value, since Secrets live in the same files.
 */
export class StandaloneConfigError extends Error {
  override readonly name = "StandaloneConfigError";

  constructor(readonly problems: readonly ConfigProblem[]) {
    const listed = problems.slice(0, MAX_LISTED).map(formatProblem).join("; ");
    const more = problems.length > MAX_LISTED ? ` (and ${problems.length - MAX_LISTED} more)` : "";
    super(`${listed}${more}`);
  }
}
