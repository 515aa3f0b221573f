/**
 * A private certificate authority made for one test run with the `openssl` command line, and a
 * server certificate it signed for 127.0.0.1 and localhost. Nothing is committed: the keys live in
 * a temporary folder.
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM text of the CA and of the server's key and certificate, and the CA's file. */
export interface PrivateCa {
  /** The CA certificate (PEM): what a client must trust. */
  readonly ca: string;
  /** Path of the CA certificate (for `--cacert`). */
  readonly caFile: string;
  /** The server's private key (PEM). */
  readonly key: string;
  /** The server's certificate (PEM), for 127.0.0.1 and localhost, signed by the CA. */
  readonly cert: string;
  remove(): void;
}

/** Make a CA and a server certificate (EC P-256, a day long). */
export function createPrivateCa(): PrivateCa {
  const dir = mkdtempSync(join(tmpdir(), 'sse-machine-ca-'));
  const at = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  };
  openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', at('ca.key'));
  openssl(
    'req',
    '-x509',
    '-new',
    '-key',
    at('ca.key'),
    '-sha256',
    '-days',
    '1',
    '-subj',
    '/CN=sse-machine test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-out',
    at('ca.pem'),
  );
  openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', at('server.key'));
  openssl('req', '-new', '-key', at('server.key'), '-subj', '/CN=127.0.0.1', '-out', at('server.csr'));
  writeFileSync(
    at('server.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n',
  );
  openssl(
    'x509',
    '-req',
    '-in',
    at('server.csr'),
    '-CA',
    at('ca.pem'),
    '-CAkey',
    at('ca.key'),
    '-CAcreateserial',
    '-days',
    '1',
    '-sha256',
    '-extfile',
    at('server.ext'),
    '-out',
    at('server.pem'),
  );
  return {
    ca: readFileSync(at('ca.pem'), 'utf8'),
    caFile: at('ca.pem'),
    key: readFileSync(at('server.key'), 'utf8'),
    cert: readFileSync(at('server.pem'), 'utf8'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
