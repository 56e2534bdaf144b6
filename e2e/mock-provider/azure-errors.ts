/**
 * Azure's gateway answers routing, key and deployment problems in its own envelope, with a string
 * code; body validation errors come from the model service in OpenAI's shape instead.
 */
export interface AzureErrorBody {
  error: { code: string; message: string };
}

function azureError(code: string, message: string): AzureErrorBody {
  return { error: { code, message } };
}

export function missingKeyError(): AzureErrorBody {
  return azureError(
    "401",
    "Access denied due to missing subscription key. Make sure to include subscription key when making " +
      "requests to an API.",
  );
}

export function invalidKeyError(): AzureErrorBody {
  return azureError(
    "401",
    "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key " +
      "for an active subscription and use a correct regional API endpoint for your resource.",
  );
}

/** What Azure says for a path it does not serve, including a deployments path without api-version. */
export function resourceNotFoundError(): AzureErrorBody {
  return azureError("404", "Resource not found");
}

export function unsupportedVersionError(): AzureErrorBody {
  return azureError("BadRequest", "API version not supported");
}

export function deploymentNotFoundError(): AzureErrorBody {
  return azureError(
    "DeploymentNotFound",
    "The API deployment for this resource does not exist. If you created the deployment within the last " +
      "5 minutes, please wait a moment and try again.",
  );
}

/** Bodies for failures injected without one, worded like Azure's for the same status. */
export function azureErrorForStatus(status: number, apiVersion: string): AzureErrorBody {
  if (status === 429) {
    return azureError(
      "429",
      `Requests to the ChatCompletions_Create Operation under Azure OpenAI API version ${apiVersion} have ` +
        "exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 1 second.",
    );
  }
  if (status >= 500) {
    return azureError("InternalServerError", "The server had an error while processing your request.");
  }
  return azureError(String(status), `Injected failure with status ${status}.`);
}
