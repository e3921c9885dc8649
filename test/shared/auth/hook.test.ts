/** The send life cycle's auth hook on its own: sendRequest({ auth }) with a session, as a third host would use it. */
import { buildRequest, compileAuth, createAuthSession, sendRequest, type AuthSession } from '../../../shared';
import { withCredentialHeader } from '../../../shared/auth/request-edit';
import { bearerServer, startServer, json, type TestServer } from './support/auth-servers';
import { closeTransport, sharedTransport } from './support/client';
import { timerSleep } from '../../../shared/transports/timer-sleep';

const servers: TestServer[] = [];
afterAll(async () => {
  closeTransport();
  await Promise.all(servers.map((s) => s.close()));
});

test('buildRequest + sendRequest with a session from createAuthSession', async () => {
  const server = await bearerServer('t0ken-value-123');
  servers.push(server);
  const secrets = { T: 't0ken-value-123' };
  const prepared = buildRequest({ url: server.url('/x'), method: 'GET' }, { values: {}, secrets });
  const res = await sendRequest(prepared, { transport: sharedTransport(), sleep: timerSleep, secrets: Object.values(secrets), auth: createAuthSession(compileAuth({ authType: 'bearer', authToken: 'T' }), secrets) });
  expect(res.statusCode).toBe(200);
});

test('a custom session: prepare on every send, onUnauthorized once, then AUTH_FAILED with its label', async () => {
  const server = await startServer((req, res) => (req.headers['x-ticket'] === 'good' ? json(res, 200, { ok: true }) : json(res, 401, { error: 'no' })));
  servers.push(server);
  const calls: string[] = [];
  const session = (answer: string): AuthSession => ({
    type: 'bearer',
    label: 'Ticket',
    failureHint: 'check the ticket',
    covers: () => true,
    prepare: async (r) => {
      calls.push('prepare');
      return withCredentialHeader(r, 'X-Ticket', 'stale');
    },
    onUnauthorized: async (r) => {
      calls.push('onUnauthorized');
      return withCredentialHeader(r, 'X-Ticket', answer);
    },
    secretValues: () => [],
  });
  const prepared = buildRequest({ url: server.url('/'), method: 'GET' }, { values: {} });
  const ok = await sendRequest(prepared, { transport: sharedTransport(), sleep: timerSleep, auth: session('good') });
  expect(ok.statusCode).toBe(200);
  expect(calls).toEqual(['prepare', 'onUnauthorized']);

  calls.length = 0;
  await expect(sendRequest(prepared, { transport: sharedTransport(), sleep: timerSleep, auth: session('still-bad') })).rejects.toMatchObject({
    code: 'AUTH_FAILED', statusCode: 401, message: expect.stringMatching(/^Ticket authentication failed: the API answered 401 Unauthorized to GET .* again: /),
  });
  expect(calls).toEqual(['prepare', 'onUnauthorized']);
  expect(server.seen.map((r) => r.headers['x-ticket'])).toEqual(['stale', 'good', 'stale', 'still-bad']);
});
