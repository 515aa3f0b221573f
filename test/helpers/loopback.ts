/**
 * A server of the test's own (`node:http`, `node:https`, `node:net`) on 127.0.0.1 and a random port,
 * closed with every socket it accepted when the test ends: the plumbing that hostile-server,
 * compression and TLS tests share.
 *
 * @module
 */
import { once } from 'node:events';
import type { Server, Socket } from 'node:net';

/** Functions to run after the current test, last first. */
export type Cleanups = (() => unknown)[];

/**
 * Listen on 127.0.0.1 (port 0) and register the close (every accepted socket destroyed) in
 * `cleanups`; resolves with the port.
 */
export async function listenOnLoopback(server: Server, cleanups: Cleanups): Promise<number> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    server.close();
    await once(server, 'close');
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the server has no port');
  return address.port;
}
