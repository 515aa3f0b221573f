/**
 * Telling a TLS certificate verification failure from other network errors. A browser refuses such
 * a server at once; retrying cannot help (the certificate will not change in a second), and it
 * hides a misconfiguration or an interception behind endless `NETWORK` reconnects.
 *
 * @module
 */

/** OpenSSL's X509 verification results as Node reports them in `error.code`, plus the host check. */
const VERIFICATION_CODES: ReadonlySet<string> = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_CRL',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CRL_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CRL_NOT_YET_VALID',
  'CRL_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'ERROR_IN_CRL_LAST_UPDATE_FIELD',
  'ERROR_IN_CRL_NEXT_UPDATE_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * `'CODE: message'` of the certificate verification failure inside `error` (itself, its `cause`
 * chain, or an `AggregateError`'s errors), or `undefined` when it is no such failure.
 *
 * @example
 * ```ts
 * tlsFailureReason(socketError); // 'DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate'
 * ```
 */
export function tlsFailureReason(error: unknown, depth = 0): string | undefined {
  if (depth > 8 || typeof error !== 'object' || error === null) return undefined;
  const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof code === 'string' && VERIFICATION_CODES.has(code)) {
    return typeof message === 'string' && message !== '' ? `${code}: ${message}` : code;
  }
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const reason = tlsFailureReason(inner, depth + 1);
      if (reason !== undefined) return reason;
    }
  }
  return tlsFailureReason(cause, depth + 1);
}
