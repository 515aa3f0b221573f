/**
 * Telling a TLS certificate verification failure from other network errors. A browser refuses such
 * a server at once; retrying cannot help (the certificate will not change in a second), and it
 * hides a misconfiguration or an interception behind endless `NETWORK` reconnects.
 *
 * @module
 */

/**
 * OpenSSL's X509 verification results as Node reports them in `error.code` (`CERT_HAS_EXPIRED`,
 * `DEPTH_ZERO_SELF_SIGNED_CERT`, `SELF_SIGNED_CERT_IN_CHAIN`, `UNABLE_TO_VERIFY_LEAF_SIGNATURE`,
 * `UNABLE_TO_GET_ISSUER_CERT_LOCALLY`, `CRL_HAS_EXPIRED`, `ERROR_IN_CERT_NOT_AFTER_FIELD`,
 * `INVALID_CA`, `PATH_LENGTH_EXCEEDED`, `INVALID_PURPOSE`, `HOSTNAME_MISMATCH`, ...) and the host
 * check (`ERR_TLS_CERT_ALTNAME_INVALID`). A pattern rather than the list of 28: this module is in
 * the browser bundle too (the fetch transport), where every byte counts.
 */
const VERIFICATION_CODE =
  /^(?:UNABLE_TO_\w+|ERROR_IN_\w+|\w*CERT\w*|\w*CRL_\w+|INVALID_CA|INVALID_PURPOSE|PATH_LENGTH_EXCEEDED|HOSTNAME_MISMATCH)$/;

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
  if (typeof code === 'string' && VERIFICATION_CODE.test(code)) {
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
