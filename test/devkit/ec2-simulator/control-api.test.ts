// Why: the local demo and shell scripts drive the simulator from another process; every control
// route must do what its TypeScript twin does and answer bad input with a 400 naming the field.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DescribeBundleTasksCommand, DescribeStoreImageTasksCommand } from '@aws-sdk/client-ec2';
import { clientFor, failureOf, numberedTask, storeImageTask, useSimulator } from './fixtures';

const DEMO = JSON.parse(
  readFileSync(path.join(__dirname, '../../../devkit/ec2-simulator/scenarios/demo.json'), 'utf8'),
) as unknown;

describe('EC2 simulator: control API over HTTP', () => {
  const fixture = useSimulator();

  async function control(
    method: string,
    route: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    const response = await fetch(`${fixture.sim.url}/_simulator/${route}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text === '' ? undefined : JSON.parse(text) };
  }

  it('PUT, PATCH and DELETE a task; the SDK sees each change', async () => {
    // Prepare
    const task = { ...storeImageTask, TaskStartTime: '2024-05-14T09:12:31.123Z', ProgressPercentage: 10 };
    const id = 'ami-1234567890abcdef0@2024-05-14T09:12:31.123Z';
    // Act
    const put = await control('PUT', 'tasks', { region: 'us-east-1', taskType: 'store-image', task });
    const listed = await control('GET', 'tasks?region=us-east-1&taskType=store-image');
    const patched = await control('PATCH', `tasks/us-east-1/store-image/${encodeURIComponent(id)}`, {
      ProgressPercentage: 55,
    });
    const seen = await fixture.ec2.send(new DescribeStoreImageTasksCommand({}));
    const deleted = await control('DELETE', `tasks/us-east-1/store-image/${encodeURIComponent(id)}`);
    const deletedAgain = await control('DELETE', `tasks/us-east-1/store-image/${encodeURIComponent(id)}`);
    const after = await fixture.ec2.send(new DescribeStoreImageTasksCommand({}));
    // Assess
    expect(put).toEqual({ status: 200, json: { id } });
    expect(listed).toEqual({
      status: 200,
      json: { tasks: [{ region: 'us-east-1', taskType: 'store-image', id, task }] },
    });
    expect(patched.status).toBe(200);
    expect(seen.StoreImageTaskResults?.map((t) => t.ProgressPercentage)).toEqual([55]);
    expect(deleted).toEqual({ status: 204, json: undefined });
    expect(deletedAgain.status).toBe(404);
    expect(after.StoreImageTaskResults).toEqual([]);
  });

  it('a task that does not fit its shape is a 400 naming the member', async () => {
    // Act
    const bad = await control('PUT', 'tasks', {
      region: 'us-east-1',
      taskType: 'store-image',
      task: { ...storeImageTask, S3ObjectKey: 'x' },
    });
    const noId = await control('PUT', 'tasks', {
      region: 'us-east-1',
      taskType: 'bundle',
      task: { State: 'pending' },
    });
    const badType = await control('PUT', 'tasks', { region: 'us-east-1', taskType: 'bundles', task: {} });
    // Assess
    expect(bad).toEqual({
      status: 400,
      json: {
        error: "task.S3ObjectKey: unknown member 'S3ObjectKey' (did you mean 'S3objectKey'?)",
        path: 'task.S3ObjectKey',
      },
    });
    expect(noId).toEqual({
      status: 400,
      json: { error: 'task.BundleId: a bundle task needs BundleId', path: 'task.BundleId' },
    });
    expect(badType.status).toBe(400);
  });

  it('POST, GET and DELETE faults', async () => {
    // Act
    const posted = await control('POST', 'faults', {
      api: 'DescribeBundleTasks',
      code: 'RequestLimitExceeded',
    });
    const listed = await control('GET', 'faults');
    const failure = await failureOf(fixture.ec2.send(new DescribeBundleTasksCommand({})));
    const removed = await control('DELETE', `faults/${(posted.json as { id: string }).id}`);
    const recovered = await fixture.ec2.send(new DescribeBundleTasksCommand({}));
    await control('POST', 'faults', { api: '*', code: 'InternalError' });
    const cleared = await control('DELETE', 'faults');
    const badFault = await control('POST', 'faults', {
      api: 'DescribeBundleTasks',
      code: 'InternalError',
      times: -1,
    });
    // Assess
    expect(posted).toEqual({ status: 201, json: { id: expect.any(String) } });
    expect(listed.json).toEqual({
      faults: [
        {
          id: (posted.json as { id: string }).id,
          api: 'DescribeBundleTasks',
          code: 'RequestLimitExceeded',
          remaining: undefined,
          hits: 0,
        },
      ],
    });
    expect({ name: failure.name, status: failure.status }).toEqual({
      name: 'RequestLimitExceeded',
      status: 503,
    });
    expect(removed.status).toBe(204);
    expect(recovered.BundleTasks).toEqual([]);
    expect(cleared.status).toBe(204);
    expect(fixture.sim.faults).toEqual([]);
    expect(badFault).toEqual({
      status: 400,
      json: { error: 'fault.times: expected a positive integer, got -1' },
    });
  });

  it('POST scenario, tick and reset', async () => {
    // Act
    const loaded = await control('POST', 'scenario', DEMO);
    const ticked = await control('POST', 'tick');
    const listed = await control('GET', 'tasks?taskType=import-snapshot');
    const reset = await control('POST', 'reset');
    const empty = await control('GET', 'tasks');
    // Assess
    expect(loaded).toEqual({ status: 200, json: { tick: 0, tasks: 3 } });
    expect(ticked).toEqual({ status: 200, json: { tick: 1, finished: false } });
    expect((listed.json as { tasks: { region: string }[] }).tasks.map((t) => t.region)).toEqual([
      'eu-west-1',
    ]);
    expect(reset.status).toBe(204);
    expect(empty.json).toEqual({ tasks: [] });
  });

  it('a bad scenario is a 400 with the path of the bad field', async () => {
    // Act
    const answer = await control('POST', 'scenario', {
      tasks: [{ region: 'us-east-1', taskType: 'bundle', steps: [{ BundleId: 'bun-1', Progress: 20 }] }],
    });
    // Assess
    expect(answer).toEqual({
      status: 400,
      json: {
        error: 'Invalid scenario: tasks[0].steps[0].Progress: expected a string, got number 20',
        path: 'tasks[0].steps[0].Progress',
      },
    });
  });

  it('GET requests shows the EC2 calls; DELETE requests forgets them', async () => {
    // Prepare
    fixture.sim.putTask('eu-west-1', 'bundle', numberedTask('bundle', 1));
    const ireland = clientFor(fixture.sim, 'eu-west-1');
    await ireland.send(new DescribeBundleTasksCommand({ BundleIds: ['bun-00000001'] }));
    ireland.destroy();
    // Act
    const listed = await control('GET', 'requests');
    const cleared = await control('DELETE', 'requests');
    // Assess
    expect(listed.json).toEqual({
      requests: [
        {
          api: 'DescribeBundleTasks',
          region: 'eu-west-1',
          params: { Action: 'DescribeBundleTasks', Version: '2016-11-15', 'BundleId.1': 'bun-00000001' },
          status: 200,
          requestId: expect.any(String),
        },
      ],
    });
    expect(cleared.status).toBe(204);
    expect(fixture.sim.requests).toEqual([]);
  });

  it('an unknown route is a 404 listing the routes; a body that is not JSON is a 400', async () => {
    // Act
    const unknown = await control('GET', 'nothing');
    const notJson = await control('PUT', 'tasks', '{not json');
    // Assess
    expect(unknown.status).toBe(404);
    expect((unknown.json as { routes: string[] }).routes).toHaveLength(12);
    expect(notJson).toEqual({ status: 400, json: { error: 'request body is not valid JSON' } });
  });
});
