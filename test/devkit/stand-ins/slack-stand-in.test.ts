// Why: the notifier's tests and the local mode trust the stand-in to answer as Slack does, so each
// of Slack's rules and each scripted failure is checked here over real HTTP.
import { type SlackStandIn, startSlackStandIn } from '../../../devkit/stand-ins/slack-stand-in';

let standIn: SlackStandIn;

beforeAll(async () => {
  standIn = await startSlackStandIn();
});
afterAll(async () => {
  await standIn.stop();
});
beforeEach(() => standIn.reset());

async function send(body: string, options: { url?: string; method?: string } = {}) {
  const response = await fetch(options.url ?? standIn.url, {
    method: options.method ?? 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: options.method === 'GET' ? undefined : body,
  });
  return {
    status: response.status,
    text: await response.text(),
    contentType: response.headers.get('content-type'),
    retryAfter: response.headers.get('retry-after'),
  };
}

const message = { text: 'import-image import-ami-0abc failed', blocks: [{ type: 'section' }] };

describe('URL', () => {
  it('is a loopback webhook URL shaped like Slack’s', () => {
    expect(standIn.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/services\/T000LOCAL\/B000LOCAL\/localsecret$/);
  });
});

describe('an accepted post', () => {
  it('answers 200 ok as text/html and records the parsed body, arrival time and headers', async () => {
    // Prepare
    const before = Date.now();

    // Act
    const answer = await send(JSON.stringify(message));

    // Assess
    expect(answer).toEqual({ status: 200, text: 'ok', contentType: 'text/html', retryAfter: null });
    expect(standIn.posts).toHaveLength(1);
    expect(standIn.posts[0]?.body).toEqual(message);
    expect(standIn.posts[0]?.receivedAt).toBeGreaterThanOrEqual(before);
    expect(standIn.posts[0]?.headers['content-type']).toBe('application/json');
    expect(standIn.attempts).toBe(1);
  });

  it.each([
    ['text only', { text: 'hello' }],
    ['blocks only', { blocks: [{ type: 'header' }] }],
    ['50 blocks', { blocks: Array.from({ length: 50 }, () => ({ type: 'divider' })) }],
    ['text with an empty blocks array', { text: 'hello', blocks: [] }],
  ])('accepts %s', async (_name, payload) => {
    expect((await send(JSON.stringify(payload))).status).toBe(200);
    expect(standIn.posts).toHaveLength(1);
  });
});

describe('Slack’s rules', () => {
  it.each<[string, { url?: string; method?: string }]>([
    ['another path', { url: 'PATH/services/T000LOCAL/B000LOCAL/othersecret' }],
    ['a path below the webhook', { url: 'WEBHOOK/extra' }],
    ['a GET', { method: 'GET' }],
    ['a PUT', { method: 'PUT' }],
  ])('answers 404 no_service to %s', async (_name, target) => {
    const origin = new URL(standIn.url).origin;
    const url = target.url?.replace('PATH', origin).replace('WEBHOOK', standIn.url);
    const answer = await send(JSON.stringify(message), { url, method: target.method });
    expect([answer.status, answer.text, answer.contentType]).toEqual([404, 'no_service', 'text/html']);
  });

  it.each([
    ['not JSON', 'payload=hello'],
    ['an empty body', ''],
    ['a JSON array', '[{"text":"hello"}]'],
    ['a JSON string', '"hello"'],
    ['JSON null', 'null'],
  ])('answers 400 invalid_payload to %s', async (_name, body) => {
    expect(await send(body)).toMatchObject({ status: 400, text: 'invalid_payload' });
  });

  it.each([
    ['no text and no blocks', {}],
    ['an empty text', { text: '' }],
    ['a text that is not a string', { text: 42 }],
    ['no text and an empty blocks array', { blocks: [] }],
  ])('answers 400 no_text to %s', async (_name, payload) => {
    expect(await send(JSON.stringify(payload))).toMatchObject({ status: 400, text: 'no_text' });
  });

  it.each([
    ['blocks that are not an array', { text: 'x', blocks: { type: 'section' } }],
    ['51 blocks', { text: 'x', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) }],
    ['a block without a type', { text: 'x', blocks: [{ type: 'divider' }, { text: 'y' }] }],
    ['a block whose type is not a string', { text: 'x', blocks: [{ type: 1 }] }],
    ['a block that is not an object', { text: 'x', blocks: ['divider'] }],
  ])('answers 400 invalid_blocks to %s', async (_name, payload) => {
    expect(await send(JSON.stringify(payload))).toMatchObject({ status: 400, text: 'invalid_blocks' });
  });

  it('records no rejected request but counts every one', async () => {
    await send('not json');
    await send('{}');
    await send(JSON.stringify(message), { method: 'GET' });
    await send(JSON.stringify(message));
    expect(standIn.posts).toHaveLength(1);
    expect(standIn.attempts).toBe(4);
  });
});

describe('scripted answers', () => {
  it('are consumed one per request, in order, before the normal behaviour', async () => {
    // Prepare
    standIn.respondWith([{ status: 429, retryAfterSeconds: 3 }, { status: 500 }]);
    standIn.respondWith([{ status: 404, body: 'channel_not_found' }]);

    // Act
    const answers = [];
    for (let index = 0; index < 4; index += 1) answers.push(await send(JSON.stringify(message)));

    // Assess
    expect(answers).toEqual([
      { status: 429, text: 'rate_limited', contentType: 'text/html', retryAfter: '3' },
      { status: 500, text: 'rollup_error', contentType: 'text/html', retryAfter: null },
      { status: 404, text: 'channel_not_found', contentType: 'text/html', retryAfter: null },
      { status: 200, text: 'ok', contentType: 'text/html', retryAfter: null },
    ]);
    expect(standIn.posts).toHaveLength(1);
    expect(standIn.attempts).toBe(4);
  });

  it('send Retry-After: 1 on a 429 by default, a raw value, or none', async () => {
    const date = 'Wed, 21 Oct 2037 07:28:00 GMT';
    standIn.respondWith([
      { status: 429 },
      { status: 429, retryAfterHeader: date },
      { status: 429, retryAfterHeader: null },
    ]);
    const retryAfters = [];
    for (let index = 0; index < 3; index += 1) retryAfters.push((await send('{}')).retryAfter);
    expect(retryAfters).toEqual(['1', date, null]);
  });

  it('can leave a request unanswered', async () => {
    // Prepare
    standIn.respondWith([{ hang: true }]);

    // Act
    const hanging = fetch(standIn.url, {
      method: 'POST',
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(300),
    });

    // Assess
    await expect(hanging).rejects.toMatchObject({ name: 'TimeoutError' });
    expect((await send(JSON.stringify(message))).status).toBe(200);
    expect(standIn.attempts).toBe(2);
  });

  it('failAll fails every request until reset, after the queued answers', async () => {
    // Prepare
    standIn.respondWith([{ status: 404 }]);
    standIn.failAll({ status: 503, body: 'service_unavailable' });

    // Act
    const statuses = [];
    for (let index = 0; index < 3; index += 1) statuses.push((await send(JSON.stringify(message))).status);
    standIn.reset();
    const afterReset = await send(JSON.stringify(message));

    // Assess
    expect(statuses).toEqual([404, 503, 503]);
    expect(afterReset.status).toBe(200);
    expect(standIn.attempts).toBe(1);
    expect(standIn.posts).toHaveLength(1);
  });
});

describe('waitForPosts', () => {
  it('resolves once enough posts arrived', async () => {
    const waiting = standIn.waitForPosts(2, 2000);
    await send(JSON.stringify({ text: 'one' }));
    await send(JSON.stringify({ text: 'two' }));
    const posts = await waiting;
    expect(posts.map((post) => post.body)).toEqual([{ text: 'one' }, { text: 'two' }]);
  });

  it('rejects when they do not arrive in time', async () => {
    await send(JSON.stringify({ text: 'one' }));
    await expect(standIn.waitForPosts(2, 100)).rejects.toThrow(/1 of 2 posts within 100 ms/);
  });
});

describe('stop', () => {
  it('closes the port, hanging requests included', async () => {
    // Prepare
    const other = await startSlackStandIn();
    other.failAll({ hang: true });
    const hanging = fetch(other.url, { method: 'POST', body: '{}' });
    await new Promise((resolve) => setTimeout(resolve, 100));

    // Act
    await other.stop();

    // Assess
    await expect(hanging).rejects.toThrow();
    await expect(fetch(other.url, { method: 'POST', body: '{}' })).rejects.toThrow();
  });
});
