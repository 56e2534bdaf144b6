/** An error as KMS reports it over AWS JSON 1.1: status, `__type` and `message`. */
export interface KmsError {
  status: number;
  type: string;
  message: string;
}

const kmsError = (type: string, message: string, status = 400): KmsError => ({ status, type, message });

export const accessDenied = (principal: string, operation: string, keyArn: string) =>
  kmsError(
    "AccessDeniedException",
    `User: ${principal} is not authorized to perform: kms:${operation} on resource: ${keyArn} because no resource-based policy allows the kms:${operation} action`,
  );

export const notFound = (keyId: string) => kmsError("NotFoundException", `Key '${keyId}' does not exist`);

export const invalidCiphertext = () =>
  kmsError(
    "InvalidCiphertextException",
    "The ciphertext is invalid or was made with a different encryption context",
  );

export const incorrectKey = () =>
  kmsError(
    "IncorrectKeyException",
    "The key ID in the request does not identify a CMK that can perform this operation.",
  );

export const validation = (message: string) => kmsError("ValidationException", message);

export const unknownOperation = (target: string) =>
  kmsError("UnknownOperationException", `The mock KMS does not implement ${target}`);

export const serialization = (message: string) => kmsError("SerializationException", message);

export const missingAuthentication = () =>
  kmsError("MissingAuthenticationTokenException", "Missing Authentication Token");

export const incompleteSignature = (message: string) => kmsError("IncompleteSignatureException", message);

export const invalidSignature = (message: string) => kmsError("InvalidSignatureException", message);

export const signatureMismatch = () =>
  invalidSignature(
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
  );

export const unrecognizedClient = () =>
  kmsError("UnrecognizedClientException", "The security token included in the request is invalid.");
