/** How the demos narrate: numbered steps stamped with the time since start, and indented detail. */
export interface StepPrinter {
  step(message: string): void;
  /** Each line of `text`, indented under the current step. */
  show(text: string): void;
}

export function createStepPrinter(out: NodeJS.WritableStream = process.stdout): StepPrinter {
  const started = Date.now();
  let stepNo = 0;
  return {
    step: (message) => {
      stepNo++;
      out.write(`\n[${((Date.now() - started) / 1000).toFixed(1)}s] ${stepNo}. ${message}\n`);
    },
    show: (text) => {
      for (const line of text.trimEnd().split("\n")) out.write(`      ${line}\n`);
    },
  };
}
