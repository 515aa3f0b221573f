/**
 * Decoding a compressed event stream (`Content-Encoding`) for the undici transport, which, unlike
 * `fetch`, hands over the bytes as they came. Node only: imports `node:zlib`.
 *
 * Every decoder flushes (`Z_SYNC_FLUSH`, `BROTLI_OPERATION_FLUSH`, as undici's fetch and curl do),
 * so each event comes out as soon as the bytes that hold it arrive, and a stream cut short ends
 * instead of failing with "unexpected end of file".
 *
 * @module
 */
import { pipeline, type Readable, Transform, type TransformCallback } from 'node:stream';
import * as zlib from 'node:zlib';

type ZstdFactory = (options?: { flush?: number; finishFlush?: number }) => Transform;

// `node:zlib` has zstd from Node 22.15 / 23.8; the Node 20 this package supports has not.
const createZstdDecompress = (zlib as unknown as { createZstdDecompress?: ZstdFactory }).createZstdDecompress;
const zstdConstants = zlib.constants as unknown as { ZSTD_e_continue?: number; ZSTD_e_end?: number };

/** More codings than this on one response is an attack (CVE-2022-32206 in curl), not a server. */
export const MAX_CONTENT_CODINGS = 5;

/**
 * Content codings this runtime decodes: `gzip` (and its alias `x-gzip`), `deflate` (zlib-wrapped
 * or raw, as browsers accept both), `br`, and `zstd` when `node:zlib` has it.
 *
 * @example
 * ```ts
 * SUPPORTED_CONTENT_CODINGS.has('zstd'); // false on Node 20, true on Node ≥ 22.15
 * ```
 */
export const SUPPORTED_CONTENT_CODINGS: ReadonlySet<string> = new Set([
  'gzip',
  'x-gzip',
  'deflate',
  'br',
  ...(createZstdDecompress === undefined ? [] : ['zstd']),
]);

/**
 * The `Accept-Encoding` the undici transport sends when compression is on: what it can decode,
 * most compact first.
 */
export const ACCEPT_ENCODING: string = [
  ...(SUPPORTED_CONTENT_CODINGS.has('zstd') ? ['zstd'] : []),
  'br',
  'gzip',
  'deflate',
].join(', ');

/** The codings of a `Content-Encoding` value, in the order they were applied; `identity` dropped. */
export function contentCodings(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .toLowerCase()
    .split(',')
    .map((coding) => coding.trim())
    .filter((coding) => coding !== '' && coding !== 'identity');
}

/**
 * Why a `Content-Encoding` cannot be decoded here, or `undefined` when it can (or there is none).
 *
 * @example
 * ```ts
 * contentEncodingProblem('gzip'); // undefined
 * contentEncodingProblem('compress'); // 'content-encoding "compress" cannot be decoded (supported: ...)'
 * ```
 */
export function contentEncodingProblem(value: string | undefined): string | undefined {
  const codings = contentCodings(value);
  if (codings.length > MAX_CONTENT_CODINGS) {
    return `${codings.length} content codings on one response (at most ${MAX_CONTENT_CODINGS} are decoded)`;
  }
  const unknown = codings.find((coding) => !SUPPORTED_CONTENT_CODINGS.has(coding));
  if (unknown === undefined) return undefined;
  return `content-encoding ${JSON.stringify(unknown)} cannot be decoded (supported: ${[...SUPPORTED_CONTENT_CODINGS].join(', ')}); the body is not read as text`;
}

/** `deflate` as sent in the wild: zlib-wrapped (RFC 9110) or raw (old IIS); the first byte tells. */
class InflateEither extends Transform {
  private inner: zlib.Inflate | zlib.InflateRaw | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.inner === undefined) {
      if (chunk.length === 0) {
        callback();
        return;
      }
      const options = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
      // A zlib header's first byte has compression method 8 in its low nibble.
      this.inner =
        ((chunk[0] as number) & 0x0f) === 0x08 ? zlib.createInflate(options) : zlib.createInflateRaw(options);
      this.inner.on('data', (data: Buffer) => this.push(data));
      this.inner.on('error', (error) => this.destroy(error));
    }
    this.inner.write(chunk, callback);
  }

  override _flush(callback: TransformCallback): void {
    if (this.inner === undefined) {
      callback();
      return;
    }
    this.inner.once('end', () => callback());
    this.inner.end();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.inner?.destroy();
    callback(error);
  }
}

function createDecoder(coding: string): Transform {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip({
        flush: zlib.constants.Z_SYNC_FLUSH,
        finishFlush: zlib.constants.Z_SYNC_FLUSH,
      });
    case 'deflate':
      return new InflateEither();
    case 'br':
      return zlib.createBrotliDecompress({
        flush: zlib.constants.BROTLI_OPERATION_FLUSH,
        finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
      });
    case 'zstd':
      if (createZstdDecompress !== undefined) {
        return createZstdDecompress({
          ...(zstdConstants.ZSTD_e_continue === undefined ? {} : { flush: zstdConstants.ZSTD_e_continue }),
          ...(zstdConstants.ZSTD_e_end === undefined ? {} : { finishFlush: zstdConstants.ZSTD_e_end }),
        });
      }
      break;
  }
  // contentEncodingProblem() is checked before any decoder is built.
  throw new TypeError(`unsupported content coding ${coding}`);
}

/**
 * `body` decoded by every coding of `contentEncoding`, last applied first. Without codings it is
 * `body` itself. Destroying the returned stream destroys `body` too (the socket is released).
 *
 * @example
 * ```ts
 * for await (const chunk of decodeBody(response.body, response.headers['content-encoding'])) parser.feed(chunk);
 * ```
 */
export function decodeBody(body: Readable, contentEncoding: string | undefined): Readable {
  const codings = contentCodings(contentEncoding);
  if (codings.length === 0) return body;
  const decoders = codings.reverse().map(createDecoder);
  // The callback only swallows the error: the last decoder re-throws it to whoever iterates.
  return pipeline([body, ...decoders], () => undefined) as unknown as Readable;
}
