/** Google's API error envelope (google.rpc.Status as JSON), which Vertex AI's front end uses. */
export interface GoogleErrorBody {
  error: { code: number; message: string; status: string };
}

export function googleError(code: number, status: string, message: string): GoogleErrorBody {
  return { error: { code, message, status } };
}

export function invalidArgument(message: string): GoogleErrorBody {
  return googleError(400, "INVALID_ARGUMENT", message);
}

export function unauthenticatedError(): GoogleErrorBody {
  return googleError(
    401,
    "UNAUTHENTICATED",
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other " +
      "valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
  );
}

export function permissionDeniedError(resource: string): GoogleErrorBody {
  return googleError(
    403,
    "PERMISSION_DENIED",
    `Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com/${resource}' ` +
      "(or it may not exist).",
  );
}

export function notFoundError(path: string): GoogleErrorBody {
  return googleError(404, "NOT_FOUND", `The requested URL ${path} was not found on this server.`);
}

/** Bodies for failures injected without one, with the status names Google uses for each code. */
export function googleErrorForStatus(code: number): GoogleErrorBody {
  if (code === 429) {
    return googleError(
      429,
      "RESOURCE_EXHAUSTED",
      "Resource exhausted. Please try again later. Please refer to " +
        "https://cloud.google.com/vertex-ai/generative-ai/docs/error-code-429 for more details.",
    );
  }
  if (code === 503) return googleError(503, "UNAVAILABLE", "The service is currently unavailable.");
  if (code >= 500) return googleError(code, "INTERNAL", "Internal error encountered.");
  return googleError(code, "FAILED_PRECONDITION", `Injected failure with status ${code}.`);
}
