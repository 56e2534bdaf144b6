/** The status of one non-streamed chat completion through a gateway at `baseUrl` with a relay key. */
export async function chatStatus(baseUrl: string, key: string, content = "hi"): Promise<number> {
  const res = await fetch(`${baseUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content }] }),
  });
  await res.arrayBuffer();
  return res.status;
}
