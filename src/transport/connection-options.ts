/**
 * The Node build's connection options (`proxy`, `noProxy`, `tls`, `http2`) as plain types, apart
 * from `selectDispatcher` so that the shared option types never reach undici.
 *
 * @module
 */
/**
 * Where requests go: `'env'` reads `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY` (lower-case names
 * first, as curl does); a URL sends every request through that proxy (`CONNECT` for https
 * targets); `false` connects directly.
 */
export type ProxyOption = 'env' | string | URL | false;

/** TLS settings for https targets (also through a proxy's `CONNECT` tunnel). */
export interface TlsOptions {
  /**
   * Certificate authorities to trust instead of Node's bundled roots, PEM: a private CA for an
   * internal server. Read the file yourself: `readFileSync('ca.pem')`.
   */
  ca?: string | Uint8Array | ReadonlyArray<string | Uint8Array>;
  /**
   * `false` accepts any certificate, including an expired or self-signed one: for tests against a
   * throw-away server only, never in production. @defaultValue true
   */
  rejectUnauthorized?: boolean;
}

/** The connection options a Node client takes besides `dispatcher` (which replaces all of them). */
export interface ConnectionOptions {
  /**
   * A forward proxy. `'env'` follows the environment like curl; a URL (`http://proxy:3128`) always;
   * `false` never.
   *
   * @defaultValue `'env'` when `NODE_USE_ENV_PROXY=1` (Node's own switch for its fetch and http),
   * else `false`: a server process does not start routing its streams through a proxy because a
   * variable meant for package downloads is set. The CLI defaults to `'env'`, like curl.
   */
  proxy?: ProxyOption;
  /**
   * Hosts that bypass `proxy`, in `NO_PROXY` syntax: `localhost,.internal.example,10.0.0.1:8080`
   * (`*` = all). With `proxy: 'env'` it defaults to `NO_PROXY`; with a URL, to none.
   */
  noProxy?: string;
  /** CA and certificate checking for https targets. */
  tls?: TlsOptions;
  /**
   * Offer HTTP/2 (ALPN) and let streams to one origin share a connection, as browsers do (up to
   * `HTTP2_STREAMS_PER_CONNECTION`, 1000; streams beyond the server's concurrent-stream limit wait
   * for a free slot). A server that answers with HTTP/1.1 still gets one connection per stream.
   * @defaultValue false
   */
  http2?: boolean;
}
