import { parseCli, USAGE } from "./cli-args.js";
import { startMockProvider } from "./server.js";

/**
 * Runs the mock as its own process. stdout carries only the ready line, which a parent reads
 * to learn the port; everything else goes to stderr.
 */
async function main(): Promise<void> {
  let config: ReturnType<typeof parseCli>;
  try {
    config = parseCli(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exit(2);
  }
  const mock = await startMockProvider(config);
  process.stdout.write(`${JSON.stringify({ msg: "listening", port: mock.port })}\n`);

  const stop = () => {
    mock.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`mock provider failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
