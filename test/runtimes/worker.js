// Entry for workerd: a module worker; GET / runs the suite against `env.SSE_BASE` (the host's
// loopback server, reached through a network service that allows local addresses).
import { runSmoke } from './smoke.js';

export default {
  async fetch(_request, env) {
    const results = await runSmoke(env.SSE_BASE, 'workerd');
    return Response.json({ results, resolved: env.RESOLVED === undefined ? {} : JSON.parse(env.RESOLVED) });
  },
};
