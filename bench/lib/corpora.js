/**
 * Generated event streams for the parser benchmark. Deterministic (no randomness), so every run parses
 * the same bytes. Each corpus knows how many events it holds, so a contender that miscounts is caught.
 * @module
 */

/**
 * @typedef {object} Corpus
 * @property {string} name
 * @property {string} description
 * @property {Buffer} bytes the whole stream
 * @property {number} events events the stream dispatches
 */

/**
 * Encode `count` events produced by `render` into one buffer, in batches so that no single huge
 * JavaScript string is built.
 * @param {number} count
 * @param {(index: number) => string} render
 */
function encode(count, render) {
  /** @type {Buffer[]} */
  const parts = [];
  const batch = 1000;
  for (let start = 0; start < count; start += batch) {
    let text = '';
    for (let i = start; i < Math.min(count, start + batch); i++) text += render(i);
    parts.push(Buffer.from(text, 'utf8'));
  }
  return Buffer.concat(parts);
}

/** 1M events `data: <32 bytes>\n\n`. @returns {Corpus} */
export function smallEvents(count = 1_000_000) {
  return {
    name: 'small',
    description: `${count.toLocaleString('en-US')} × \`data: <32 bytes>\\n\\n\``,
    // 10 digits + '-' + 21 letters = 32 bytes.
    bytes: encode(count, (i) => `data: ${String(i).padStart(10, '0')}-abcdefghijklmnopqrstu\n\n`),
    events: count,
  };
}

/**
 * One ~1 KB JSON payload. With `ascii: false`, a few non-ASCII characters, as real feeds carry names
 * and currency signs, so the UTF-8 decoding path is exercised and not only the ASCII fast path.
 * @param {number} i
 * @param {boolean} [ascii]
 */
function jsonPayload(i, ascii = false) {
  const items = [];
  for (let k = 0; k < 8; k++) {
    items.push({
      sku: `SKU-${(i * 8 + k).toString(36).padStart(8, '0')}`,
      qty: (i + k) % 17,
      price: 19.99 + k,
    });
  }
  return JSON.stringify({
    id: i,
    type: 'order.updated',
    customer: ascii
      ? { name: 'Zoe Angstrom', city: 'Krakow', tier: i % 3 === 0 ? 'gold' : 'silver' }
      : { name: 'Zoë Ångström', city: 'Kraków', tier: i % 3 === 0 ? 'gold' : 'silver' },
    currency: ascii ? 'EUR' : '€',
    items,
    note: 'lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt',
    ts: 1_700_000_000_000 + i,
  });
}

/**
 * 100k ~1 KB JSON events with `event:` and `id:` fields: non-ASCII (`json`, a few accented names and
 * `€` per event, so every chunk takes the UTF-8 path) or pure ASCII (`json-ascii`).
 * @param {number} [count]
 * @param {'\n' | '\r\n'} [eol]
 * @param {boolean} [ascii]
 * @returns {Corpus}
 */
export function jsonEvents(count = 100_000, eol = '\n', ascii = false) {
  const crlf = eol === '\r\n';
  return {
    name: `json${ascii ? '-ascii' : ''}${crlf ? '-crlf' : ''}`,
    description: `${count.toLocaleString('en-US')} × ~1 KB ${ascii ? 'ASCII ' : ''}JSON with \`event:\` and \`id:\`${crlf ? ', CRLF line ends' : ''}`,
    bytes: encode(count, (i) => `event: order${eol}id: ${i}${eol}data: ${jsonPayload(i, ascii)}${eol}${eol}`),
    events: count,
  };
}

/**
 * 1k events of 64 KB, each split over 64 `data:` lines of 1 KB (a multi-line payload such as a
 * pretty-printed document or a base64 blob).
 * @returns {Corpus}
 */
export function largeEvents(count = 1000, lines = 64, lineBytes = 1024) {
  const line = 'x'.repeat(lineBytes - 7); // 'data: ' + value + '\n' = lineBytes
  return {
    name: 'large',
    description: `${count.toLocaleString('en-US')} × 64 KB, each over ${lines} \`data:\` lines`,
    bytes: encode(count, (i) => {
      let block = `id: ${i}\n`;
      for (let k = 0; k < lines; k++) block += `data: ${line}\n`;
      return `${block}\n`;
    }),
    events: count,
  };
}

/**
 * Split a corpus into chunks of `size` bytes (views, no copies), made before timing starts.
 * @param {Buffer} bytes
 * @param {number} size
 * @returns {Uint8Array[]}
 */
export function chunk(bytes, size) {
  /** @type {Uint8Array[]} */
  const chunks = [];
  for (let at = 0; at < bytes.length; at += size) {
    chunks.push(new Uint8Array(bytes.buffer, bytes.byteOffset + at, Math.min(size, bytes.length - at)));
  }
  return chunks;
}
