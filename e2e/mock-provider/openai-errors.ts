/** OpenAI's error envelope; the SDK maps status to an error class and exposes this as `error`. */
export interface OpenAIErrorBody {
  error: {
    message: string;
    type: string;
    param: string | null;
    code: string | null;
  };
}

export function openaiError(
  message: string,
  fields: { type?: string; param?: string | null; code?: string | null } = {},
): OpenAIErrorBody {
  return {
    error: {
      message,
      type: fields.type ?? "invalid_request_error",
      param: fields.param ?? null,
      code: fields.code ?? null,
    },
  };
}

const KEYS_URL = "https://platform.openai.com/account/api-keys";

export function missingKeyError(): OpenAIErrorBody {
  return openaiError(
    "You didn't provide an API key. You need to provide your API key in an Authorization header using " +
      "Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if " +
      "you're accessing the API from your browser and are prompted for a username and password. You can " +
      `obtain an API key from ${KEYS_URL}.`,
  );
}

export function incorrectKeyError(presented: string): OpenAIErrorBody {
  return openaiError(
    `Incorrect API key provided: ${maskApiKey(presented)}. You can find your API key at ${KEYS_URL}.`,
    { code: "invalid_api_key" },
  );
}

/**
 * Shows a little of each end, as OpenAI does, so a test can still recognise which key arrived;
 * at least half is always hidden, and keys under 4 characters are hidden entirely.
 */
export function maskApiKey(key: string): string {
  const visible = Math.floor(key.length / 4);
  const head = Math.min(6, visible);
  const tail = Math.min(4, visible);
  return `${key.slice(0, head)}${"*".repeat(key.length - head - tail)}${key.slice(key.length - tail)}`;
}

export function notFoundError(method: string, path: string): OpenAIErrorBody {
  return openaiError(`Invalid URL (${method} ${path})`);
}

export function malformedJsonError(): OpenAIErrorBody {
  return openaiError(
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your " +
      "HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. " +
      "If you have trouble figuring out how to fix this, please contact us through our help center at " +
      "help.openai.com.)",
  );
}

/** Bodies for failures injected without one, worded like OpenAI's for the same status. */
export function errorForStatus(status: number): OpenAIErrorBody {
  if (status === 429) {
    return openaiError("Rate limit reached for requests. Please try again in 1s.", {
      type: "requests",
      code: "rate_limit_exceeded",
    });
  }
  if (status >= 500) {
    return openaiError("The server had an error while processing your request. Sorry about that!", {
      type: "server_error",
    });
  }
  return openaiError(`Injected failure with status ${status}.`);
}
