// The one HTTP server and body reader of the EC2 simulator and the stand-ins: a body over the
// limit is refused with 413 by every server (the Organizations stand-in once cut it and failed
// with 500), and the connection stays usable for the next request.
import { readBody, startLoopbackServer } from '../../devkit/loopback-server';
import { startOrganizationStandIn } from '../../devkit/stand-ins/organization-stand-in';

it('reads a body up to the limit, and gives undefined past it', async () => {
  const server = await startLoopbackServer(
    async (request, response) => {
      const body = await readBody(request, 10);
      response.writeHead(body === undefined ? 413 : 200).end(body ?? '');
    },
    { onError: (response) => response.writeHead(500).end() },
  );
  try {
    const post = (body: string) => fetch(server.url, { method: 'POST', body });
    const small = await post('0123456789');
    const large = await post('0123456789!');
    const after = await post('ok');

    expect([small.status, await small.text()]).toEqual([200, '0123456789']);
    expect(large.status).toBe(413);
    expect([after.status, await after.text()]).toEqual([200, 'ok']);
  } finally {
    await server.close();
  }
});

it('the Organizations stand-in refuses a body over 1 MiB with 413', async () => {
  const standIn = await startOrganizationStandIn();
  try {
    const response = await fetch(standIn.endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSOrganizationsV20161128.ListAccounts' },
      body: 'x'.repeat(1024 * 1024 + 1),
    });

    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ __type: 'RequestEntityTooLargeException' });
  } finally {
    await standIn.stop();
  }
});
