// A workload as an app team writes it: the official openai SDK, configured only by the
// environment the kuberelay webhook injected (OPENAI_BASE_URL, OPENAI_API_KEY). It sends one
// request at a time, alternating non-streamed and streamed, and prints one JSON line per request.
import OpenAI from "openai";

const intervalMs = Number(process.env.CLIENT_INTERVAL_MS ?? "200");
const model = process.env.CLIENT_MODEL ?? "gpt-4o-mini";
// Retries would hide a failed request behind a later success; every failure must show.
const client = new OpenAI({ maxRetries: 0, timeout: 15_000 });
let stopping = false;
process.on("SIGTERM", () => {
  stopping = true;
});

async function once(stream) {
  const messages = [{ role: "user", content: "say hello" }];
  if (!stream) {
    const completion = await client.chat.completions.create({ model, messages });
    return completion.choices[0]?.message?.content ?? "";
  }
  let text = "";
  const chunks = await client.chat.completions.create({ model, messages, stream: true });
  for await (const chunk of chunks) text += chunk.choices[0]?.delta?.content ?? "";
  return text;
}

console.log(JSON.stringify({ event: "start", baseURL: process.env.OPENAI_BASE_URL ?? null }));
for (let n = 1; !stopping; n++) {
  const stream = n % 2 === 0;
  const started = Date.now();
  try {
    const text = await once(stream);
    console.log(JSON.stringify({ n, stream, ok: text.length > 0, ms: Date.now() - started, at: started }));
  } catch (err) {
    const status = typeof err?.status === "number" ? err.status : null;
    const message = String(err?.message ?? err).slice(0, 200);
    console.log(
      JSON.stringify({ n, stream, ok: false, status, error: message, ms: Date.now() - started, at: started }),
    );
  }
  await new Promise((resolve) => setTimeout(resolve, intervalMs));
}
console.log(JSON.stringify({ event: "stop" }));
