// End to end through the real engines: the simulator's tasks, the poller and publisher
// handlers, DynamoDB Local's stream, the SNS emulator and an SQS subscriber.
import { createHarness, type Harness } from './support/harness';

let harness: Harness;

beforeAll(async () => {
  harness = await createHarness({ context: { regions: 'us-east-1' } });
});
afterAll(() => harness.close());

it('delivers a task discovered and then completed, once each', async () => {
  // Prepare
  harness.sim.putTask('us-east-1', 'import-image', {
    ImportTaskId: 'import-ami-0123456789abcdef0',
    Status: 'active',
    StatusMessage: 'converting',
    Progress: '30',
  });

  // Act
  const first = await harness.cycleAndReceive();
  harness.sim.updateTask('us-east-1', 'import-image', 'import-ami-0123456789abcdef0', {
    Status: 'completed',
    StatusMessage: undefined,
    Progress: undefined,
    ImageId: 'ami-0fedcba9876543210',
  });
  const second = await harness.cycleAndReceive();
  const third = await harness.cycleAndReceive();

  // Assess
  expect(first.outcome.failures).toEqual([]);
  expect(first.messages.map((m) => [m.event.changeType, m.event.current.phase])).toEqual([
    ['TaskDiscovered', 'running'],
  ]);
  expect(
    second.messages.map((m) => [m.event.changeType, m.event.previous?.phase, m.event.current.phase]),
  ).toEqual([['TaskStateChanged', 'running', 'succeeded']]);
  expect(second.messages[0]?.attributes).toMatchObject({
    changeType: 'TaskStateChanged',
    phase: 'succeeded',
    previousPhase: 'running',
  });
  expect(second.messages[0]?.subject).toBe(
    '[EC2 tasks] import-image import-ami-0123456789abcdef0 succeeded (us-east-1)',
  );
  expect(third.messages).toEqual([]);
});
