import { incorrectKeyError, missingKeyError, type OpenAIErrorBody } from "./openai-errors.js";

/** Returns the error to send, or undefined when the request carries exactly the expected key. */
export function checkOpenAIAuth(
  authorization: string | undefined,
  expectedKey: string,
): OpenAIErrorBody | undefined {
  const match = /^Bearer\s+(.*)$/i.exec(authorization ?? "");
  const presented = match?.[1]?.trim() ?? "";
  if (presented === "") return missingKeyError();
  return presented === expectedKey ? undefined : incorrectKeyError(presented);
}
