// Why: the notifier relies on this client to keep to Slack's rate limit, to retry only what can
// succeed later within the invocation's time, to say which failures are worth a redelivery, and to
// never leak the webhook URL. Each behaviour is checked over real HTTP against the Slack stand-in.
import { inspect } from 'node:util';
import { buildEvent } from '../../../lambdas/domain/event';
import { type SlackMessage, toSlackMessage } from '../../../channels/slack-webhook/message';
import {
  SlackWebhookClient,
  type SlackWebhookClientOptions,
  SlackWebhookError,
  parseRetryAfter,
} from '../../../channels/slack-webhook/client';
import { type SlackStandIn, startSlackStandIn } from '../../../devkit/stand-ins/slack-stand-in';
import { aTask } from '../../support/tasks';

const message: SlackMessage = toSlackMessage(
  buildEvent({
    changeType: 'TaskStateChanged',
    previous: { state: 'active', phase: 'running', progress: 42, statusMessage: 'converting' },
    current: {
      state: 'deleted',
      phase: 'failed',
      progress: null,
      statusMessage: 'ClientError: Unknown OS / missing OS files.',
    },
    task: aTask({
      taskId: 'import-ami-0abc',
      state: 'deleted',
      phase: 'failed',
      progress: null,
      statusMessage: 'ClientError: Unknown OS / missing OS files.',
    }),
    version: 5,
    detectedAt: new Date('2026-11-23T08:00:00.000Z'),
  }),
);

/** Small real values: no pacing, short timeout and backoff, no safety margin unless a test sets one. */
const FAST: SlackWebhookClientOptions = {
  timeoutMs: 1000,
  minIntervalMs: 0,
  backoffMs: 50,
  safetyMarginMs: 0,
};
const plentyOfTime = () => 60_000;

/** A deadline like context.getRemainingTimeInMillis: the time left until `ms` from now. */
function endsIn(ms: number): () => number {
  const end = Date.now() + ms;
  return () => end - Date.now();
}

/** Real sleeps, with every requested wait recorded. */
function recordingSleep() {
  const waits: number[] = [];
  const sleep = (ms: number) => {
    waits.push(ms);
    return new Promise<void>((resolve) => setTimeout(resolve, ms));
  };
  return { waits, sleep };
}

/** A clock that jumps instead of sleeping, for waits of tens of seconds. */
function fakeClock() {
  let offset = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => Date.now() + offset,
    sleep: async (ms: number) => {
      waits.push(ms);
      offset += ms;
    },
  };
}

async function failureOf(promise: Promise<unknown>): Promise<SlackWebhookError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SlackWebhookError) return error;
    throw error;
  }
  throw new Error('the post succeeded');
}

let standIn: SlackStandIn;

beforeAll(async () => {
  standIn = await startSlackStandIn();
});
afterAll(async () => {
  await standIn.stop();
});
beforeEach(() => standIn.reset());

describe('a successful post', () => {
  it('sends the exact payload as JSON in one request', async () => {
    // Act
    await new SlackWebhookClient(FAST).post(standIn.url, message, plentyOfTime);

    // Assess
    expect(standIn.attempts).toBe(1);
    expect(standIn.posts).toHaveLength(1);
    expect(standIn.posts[0]?.body).toEqual(JSON.parse(JSON.stringify(message)));
    expect(standIn.posts[0]?.headers['content-type']).toBe('application/json');
  });
});

describe('pacing', () => {
  // Pacing is checked on a virtual clock that moves only when the client sleeps, and the time of
  // each request is read when the client calls fetch: a loaded machine cannot shrink or stretch a
  // gap. A sleep resolves on a later turn of the event loop (setImmediate), never between a claim
  // and its request, which follow each other within one turn.
  const interval = 200;

  function virtualClock() {
    let time = Date.parse('2026-12-02T12:00:00.000Z');
    return {
      now: () => time,
      sleep: async (ms: number) => {
        const wake = time + ms;
        await new Promise((resolve) => setImmediate(resolve));
        time = Math.max(time, wake);
      },
    };
  }

  /** The virtual time of every request the client starts. */
  function requestTimes(clock: { now: () => number }): number[] {
    const times: number[] = [];
    const realFetch = globalThis.fetch;
    jest.spyOn(globalThis, 'fetch').mockImplementation((...args: Parameters<typeof fetch>) => {
      times.push(clock.now());
      return realFetch(...args);
    });
    return times;
  }

  function gaps(times: number[]): number[] {
    return times.slice(1).map((time, index) => time - times[index]!);
  }

  afterEach(() => jest.restoreAllMocks());

  it('keeps consecutive posts of one client at least minIntervalMs apart', async () => {
    // Prepare
    const clock = virtualClock();
    const times = requestTimes(clock);
    const client = new SlackWebhookClient({ ...FAST, minIntervalMs: interval, ...clock });

    // Act
    for (let index = 0; index < 3; index += 1) await client.post(standIn.url, message, plentyOfTime);

    // Assess
    expect(standIn.posts).toHaveLength(3);
    expect(gaps(times)).toEqual([interval, interval]);
  });

  it('also paces concurrent posts', async () => {
    // Prepare
    const clock = virtualClock();
    const times = requestTimes(clock);
    const client = new SlackWebhookClient({ ...FAST, minIntervalMs: interval, ...clock });

    // Act
    await Promise.all([1, 2, 3].map(() => client.post(standIn.url, message, plentyOfTime)));

    // Assess
    expect(standIn.posts).toHaveLength(3);
    expect(times).toHaveLength(3);
    for (const gap of gaps(times)) expect(gap).toBeGreaterThanOrEqual(interval);
  });

  it('throws a retryable error without posting when the pacing wait does not fit in the time left', async () => {
    // Prepare
    const client = new SlackWebhookClient({ ...FAST, minIntervalMs: 5000 });
    await client.post(standIn.url, message, plentyOfTime);

    // Act
    const error = await failureOf(client.post(standIn.url, message, endsIn(3000)));

    // Assess
    expect(error).toMatchObject({ retryable: true, status: undefined });
    expect(error.retryAfterMs).toBeGreaterThan(4000);
    expect(standIn.attempts).toBe(1);
  });
});

describe('429 Too Many Requests', () => {
  it('waits Retry-After, then posts again', async () => {
    // Prepare
    standIn.respondWith([{ status: 429, retryAfterSeconds: 1 }]);
    const { waits, sleep } = recordingSleep();
    const client = new SlackWebhookClient({ ...FAST, sleep });
    const start = Date.now();

    // Act
    await client.post(standIn.url, message, plentyOfTime);

    // Assess
    expect(standIn.attempts).toBe(2);
    expect(standIn.posts).toHaveLength(1);
    expect(standIn.posts[0]!.receivedAt - start).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...waits)).toBeGreaterThan(800);
  });

  it('waits out a Retry-After HTTP-date', async () => {
    // Prepare: HTTP-dates have a one-second resolution
    const clock = fakeClock();
    standIn.respondWith([{ status: 429, retryAfterHeader: new Date(Date.now() + 20_000).toUTCString() }]);
    const client = new SlackWebhookClient({ ...FAST, ...clock });

    // Act
    await client.post(standIn.url, message, plentyOfTime);

    // Assess
    expect(standIn.posts).toHaveLength(1);
    expect(clock.waits.reduce((sum, wait) => sum + wait, 0)).toBeGreaterThanOrEqual(18_000);
  });

  it('throws a retryable error at once when the wait does not fit, and holds back the next post', async () => {
    // Prepare
    standIn.respondWith([{ status: 429, retryAfterSeconds: 30 }]);
    const client = new SlackWebhookClient({ ...FAST, safetyMarginMs: 2000 });
    const start = Date.now();

    // Act
    const error = await failureOf(client.post(standIn.url, message, endsIn(10_000)));
    const next = await failureOf(client.post(standIn.url, message, endsIn(10_000)));

    // Assess
    expect(error).toBeInstanceOf(SlackWebhookError);
    expect(error).toMatchObject({
      retryable: true,
      status: 429,
      slackError: 'rate_limited',
      retryAfterMs: 30_000,
    });
    expect(next.retryable).toBe(true);
    expect(next.retryAfterMs).toBeGreaterThan(25_000);
    expect(standIn.attempts).toBe(1);
    expect(standIn.posts).toHaveLength(0);
    expect(Date.now() - start).toBeLessThan(5000);
  });

  it('makes every later post of the client wait until Retry-After has passed', async () => {
    // Prepare
    const clock = fakeClock();
    standIn.respondWith([{ status: 429, retryAfterSeconds: 30 }]);
    const client = new SlackWebhookClient({ ...FAST, ...clock });
    await failureOf(client.post(standIn.url, message, endsIn(10_000)));

    // Act
    await client.post(standIn.url, message, plentyOfTime);

    // Assess
    expect(clock.waits).toHaveLength(1);
    expect(clock.waits[0]).toBeGreaterThan(29_000);
    expect(clock.waits[0]).toBeLessThanOrEqual(30_000);
    expect(standIn.posts).toHaveLength(1);
  });

  it('waits one second when Retry-After is missing', async () => {
    // Prepare: the first request fits; a retry one second later would not
    standIn.respondWith([{ status: 429, retryAfterHeader: null }]);
    const client = new SlackWebhookClient({ ...FAST, timeoutMs: 500 });

    // Act
    const error = await failureOf(client.post(standIn.url, message, endsIn(1300)));

    // Assess
    expect(error).toMatchObject({ retryable: true, status: 429, retryAfterMs: undefined });
    expect(standIn.attempts).toBe(1);
  });
});

describe('5xx', () => {
  it('retries after a backoff and succeeds', async () => {
    // Prepare
    standIn.respondWith([{ status: 500 }]);
    const { waits, sleep } = recordingSleep();

    // Act
    await new SlackWebhookClient({ ...FAST, backoffMs: 100, sleep }).post(standIn.url, message, plentyOfTime);

    // Assess
    expect(standIn.attempts).toBe(2);
    expect(standIn.posts).toHaveLength(1);
    // One backoff; a timer may fire a millisecond early, and the client then waits out the rest.
    expect(waits[0]).toBeGreaterThan(50);
    expect(waits.slice(1).every((wait) => wait <= 5)).toBe(true);
  });

  it('throws the last retryable error after maxAttempts requests, the backoff doubling', async () => {
    // Prepare
    standIn.failAll({ status: 503, body: 'service_unavailable' });
    const clock = fakeClock();

    // Act
    const error = await failureOf(
      new SlackWebhookClient({ ...FAST, ...clock, maxAttempts: 3, backoffMs: 500 }).post(
        standIn.url,
        message,
        plentyOfTime,
      ),
    );

    // Assess
    expect(error).toMatchObject({ retryable: true, status: 503, slackError: 'service_unavailable' });
    expect(error.message).toMatch(/after 3 attempt/);
    expect(standIn.attempts).toBe(3);
    expect(clock.waits).toHaveLength(2);
    expect(clock.waits[0]).toBeGreaterThan(400);
    expect(clock.waits[0]).toBeLessThanOrEqual(500);
    expect(clock.waits[1]).toBeGreaterThan(900);
    expect(clock.waits[1]).toBeLessThanOrEqual(1000);
  });

  it('stops retrying when the backoff and a request no longer fit in the time left', async () => {
    // Prepare
    standIn.failAll({ status: 500 });
    const client = new SlackWebhookClient({ ...FAST, timeoutMs: 500, backoffMs: 1000, maxAttempts: 5 });

    // Act
    const error = await failureOf(client.post(standIn.url, message, endsIn(1300)));

    // Assess
    expect(error).toMatchObject({ retryable: true, status: 500, slackError: 'rollup_error' });
    expect(standIn.attempts).toBe(1);
  });
});

describe('other 4xx', () => {
  it.each([
    [{ status: 404 }, 404, 'no_service'],
    [{ status: 410 }, 410, 'channel_is_archived'],
    [{ status: 403 }, 403, 'action_prohibited'],
    [{ status: 400 }, 400, 'invalid_payload'],
  ])('throws a non-retryable error after exactly one request (%j)', async (response, status, slackError) => {
    // Prepare
    standIn.respondWith([response]);

    // Act
    const error = await failureOf(new SlackWebhookClient(FAST).post(standIn.url, message, plentyOfTime));

    // Assess
    expect(error).toMatchObject({ retryable: false, status, slackError, retryAfterMs: undefined });
    expect(standIn.attempts).toBe(1);
  });

  it('reports the stand-in’s own validation error', async () => {
    const empty = { text: '', blocks: [] } as SlackMessage;
    const error = await failureOf(new SlackWebhookClient(FAST).post(standIn.url, empty, plentyOfTime));
    expect(error).toMatchObject({ retryable: false, status: 400, slackError: 'no_text' });
  });

  it('cuts a long error text to 200 characters', async () => {
    standIn.respondWith([{ status: 400, body: 'x'.repeat(500) }]);
    const error = await failureOf(new SlackWebhookClient(FAST).post(standIn.url, message, plentyOfTime));
    expect(error.slackError).toHaveLength(200);
  });
});

describe('network failures', () => {
  it('throws a retryable error when Slack does not answer within timeoutMs', async () => {
    // Prepare
    standIn.failAll({ hang: true });
    const start = Date.now();

    // Act
    const error = await failureOf(
      new SlackWebhookClient({ ...FAST, timeoutMs: 300, maxAttempts: 1 }).post(
        standIn.url,
        message,
        plentyOfTime,
      ),
    );

    // Assess
    expect(error).toMatchObject({ retryable: true, status: undefined, slackError: undefined });
    expect(error.message).toMatch(/no answer within 300 ms/);
    expect(standIn.attempts).toBe(1);
    expect(Date.now() - start).toBeLessThan(3000);
  });

  it('retries a timeout', async () => {
    standIn.respondWith([{ hang: true }]);
    await new SlackWebhookClient({ ...FAST, timeoutMs: 300 }).post(standIn.url, message, plentyOfTime);
    expect(standIn.attempts).toBe(2);
    expect(standIn.posts).toHaveLength(1);
  });

  it('throws a retryable error after maxAttempts when the connection is refused', async () => {
    // Prepare
    const gone = await startSlackStandIn();
    await gone.stop();

    // Act
    const error = await failureOf(
      new SlackWebhookClient({ ...FAST, maxAttempts: 2 }).post(gone.url, message, plentyOfTime),
    );

    // Assess
    expect(error).toMatchObject({ retryable: true, status: undefined });
    expect(error.message).toMatch(/after 2 attempt.*ECONNREFUSED/);
  });
});

describe('before any request', () => {
  it('rejects a URL that is not an http(s) URL without retrying', async () => {
    const error = await failureOf(
      new SlackWebhookClient(FAST).post('hooks.slack.com/services/T0/B0/notaurl', message, plentyOfTime),
    );
    expect(error.retryable).toBe(false);
  });

  it('throws a retryable error without posting when a request cannot finish before the deadline', async () => {
    const client = new SlackWebhookClient({ ...FAST, timeoutMs: 5000, safetyMarginMs: 2000 });
    const error = await failureOf(client.post(standIn.url, message, () => 6000));
    expect(error.retryable).toBe(true);
    expect(standIn.attempts).toBe(0);
  });
});

describe('the webhook URL', () => {
  it('never appears in an error, whatever failed', async () => {
    // Prepare
    const gone = await startSlackStandIn();
    await gone.stop();
    const client = () => new SlackWebhookClient({ ...FAST, timeoutMs: 300, maxAttempts: 2 });
    const errors: Array<[string, SlackWebhookError]> = [];
    const collect = async (name: string, url: string, act: () => void = () => undefined) => {
      standIn.reset();
      act();
      errors.push([name, await failureOf(client().post(url, message, endsIn(10_000)))]);
    };

    // Act
    await collect('404 echoing the URL', standIn.url, () =>
      standIn.respondWith([
        { status: 404, body: `no_service for ${standIn.url} (${new URL(standIn.url).pathname})` },
      ]),
    );
    await collect('5xx', standIn.url, () => standIn.failAll({ status: 500 }));
    await collect('429', standIn.url, () => standIn.respondWith([{ status: 429, retryAfterSeconds: 60 }]));
    await collect('timeout', standIn.url, () => standIn.failAll({ hang: true }));
    await collect('connection refused', gone.url);
    await collect('not a URL', 'hooks.slack.com/services/T0AB/B0CD/localsecret');
    await collect('credentials in the URL', standIn.url.replace('http://', 'http://user:pass@'));

    // Assess
    expect(errors).toHaveLength(7);
    for (const [name, error] of errors) {
      const renderings = [error.message, error.stack, String(error), inspect(error), JSON.stringify(error)];
      for (const text of renderings) {
        expect({ name, text }).toEqual({ name, text: expect.not.stringContaining('localsecret') });
        expect({ name, text }).toEqual({ name, text: expect.not.stringContaining('/services/') });
      }
    }
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-23T08:00:00.000Z');

  it.each([
    ['120', 120_000],
    ['0', 0],
    [' 5 ', 5000],
    ['Mon, 23 Nov 2026 08:00:30 GMT', 30_000],
    ['Monday, 23-Nov-26 08:00:30 GMT', 30_000],
    ['Mon Nov 23 08:00:30 2026', 30_000],
    ['Mon, 23 Nov 2026 07:59:00 GMT', 0],
  ])('reads %j as %d ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it.each([
    null,
    undefined,
    '',
    '-5',
    '1.5',
    'soon',
    '2026-11-23T08:00:30Z',
    'Mon, 99 Foo 2026 25:00:00 GMT',
  ])('reads %j as undefined', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});
