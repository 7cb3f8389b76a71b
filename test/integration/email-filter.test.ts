// Filter policies against the SNS emulator: a queue subscribed with the stack's email filter
// receives the finished and the vanished tasks and nothing else, while the unfiltered inbox
// receives every change; a subscriber's own policy receives exactly what it asks for.
import { type Inbox, type InboxMessage, onlyTaskChanges } from '../../devkit/engines/inbox';
import type { TaskChangeEvent } from '#events';
import { createHarness, type Harness } from './support/harness';
import { emailWorthy, eventIds, sorted, tuples } from './support/events';

const REGION = 'us-east-1';
const EMAIL = 'ops@example.com';
/** The default email filter, as the README documents it. */
const DOCUMENTED_EMAIL_FILTER = {
  $or: [
    { changeType: ['TaskStateChanged'], phase: ['succeeded', 'failed', 'cancelled'] },
    { changeType: ['TaskDisappeared', 'TaskStalled', 'QuotaNearlyExhausted'] },
  ],
};
const FAILED_IMPORTS = { taskType: ['import-image'], phase: ['failed'] };

let harness: Harness;
let emailInbox: Inbox;
let failedImportsInbox: Inbox;
const everything: InboxMessage<TaskChangeEvent>[] = [];
const emailed: InboxMessage<TaskChangeEvent>[] = [];
const failedImports: InboxMessage<TaskChangeEvent>[] = [];

async function poll(): Promise<void> {
  const { outcome, messages } = await harness.cycleAndReceive();
  expect(outcome.failures).toEqual([]);
  everything.push(...messages);
  emailed.push(...onlyTaskChanges(await emailInbox.drain()));
  failedImports.push(...onlyTaskChanges(await failedImportsInbox.drain()));
}

const importImage = (id: string, status: string, message?: string, progress?: string) => ({
  ImportTaskId: id,
  Status: status,
  StatusMessage: message,
  Progress: progress,
});
const UNKNOWN_OS = 'ClientError: Unknown OS / missing OS files.';

beforeAll(async () => {
  harness = await createHarness({
    context: { regions: REGION, taskTypes: 'import-image,export-image,mac-modification', emails: EMAIL },
  });
  emailInbox = await harness.subscribe(harness.deployment.definition.emailFilterPolicy);
  failedImportsInbox = await harness.subscribe(FAILED_IMPORTS);
  await harness.cycleAndReceive();

  // Every kind of change: discoveries, non-terminal and terminal state changes, progress within
  // a running and within a failed phase, tasks first seen failed, a disappearance.
  const { sim } = harness;
  sim.putTask(REGION, 'import-image', importImage('import-ami-0d00000000000000a', 'active', 'pending', '1'));
  sim.putTask(
    REGION,
    'import-image',
    importImage('import-ami-0d00000000000000b', 'active', 'converting', '30'),
  );
  sim.putTask(REGION, 'import-image', importImage('import-ami-0d00000000000000e', 'deleted', UNKNOWN_OS));
  sim.putTask(REGION, 'export-image', {
    ExportImageTaskId: 'export-ami-0d00000000000000c',
    ImageId: 'ami-0d00000000000000c',
    Status: 'active',
    StatusMessage: 'converting',
    Progress: '10',
  });
  sim.putTask(REGION, 'export-image', {
    ExportImageTaskId: 'export-ami-0d00000000000000f',
    ImageId: 'ami-0d00000000000000f',
    Status: 'deleted',
    StatusMessage: UNKNOWN_OS,
  });
  sim.putTask(REGION, 'mac-modification', {
    MacModificationTaskId: 'macmodification-0d0000000000000d',
    InstanceId: 'i-0d0000000000000d1',
    TaskState: 'pending',
  });
  await poll();
  sim.updateTask(REGION, 'import-image', 'import-ami-0d00000000000000a', { StatusMessage: 'validating' });
  sim.updateTask(REGION, 'import-image', 'import-ami-0d00000000000000b', { Progress: '60' });
  sim.updateTask(REGION, 'export-image', 'export-ami-0d00000000000000c', {
    Status: 'completed',
    StatusMessage: null,
    Progress: null,
  });
  sim.updateTask(REGION, 'mac-modification', 'macmodification-0d0000000000000d', {
    TaskState: 'in-progress',
  });
  await poll();
  sim.updateTask(REGION, 'import-image', 'import-ami-0d00000000000000a', {
    Status: 'deleting',
    StatusMessage: UNKNOWN_OS,
  });
  sim.updateTask(REGION, 'import-image', 'import-ami-0d00000000000000b', {
    Status: 'deleted',
    StatusMessage: null,
    Progress: null,
  });
  sim.removeTask(REGION, 'mac-modification', 'macmodification-0d0000000000000d');
  await poll();
  sim.updateTask(REGION, 'import-image', 'import-ami-0d00000000000000a', { Status: 'deleted' });
  await poll();
});
afterAll(async () => {
  emailInbox?.close();
  failedImportsInbox?.close();
  await harness?.close();
});

it('the email filter is the one the stack gives its email subscription, and the documented one', () => {
  const { definition } = harness.deployment;
  const subscriptions = Object.values(definition.template.Resources).filter(
    (resource) =>
      resource.Type === 'AWS::SNS::Subscription' &&
      resource.Properties?.Protocol === 'email' &&
      resource.Properties?.Endpoint === EMAIL,
  );

  expect(subscriptions).toHaveLength(1);
  expect(subscriptions[0]?.Properties?.TopicArn).toEqual({ Ref: definition.topicLogicalId });
  expect(subscriptions[0]?.Properties?.FilterPolicy).toEqual(definition.emailFilterPolicy);
  expect(subscriptions[0]?.Properties?.FilterPolicyScope ?? 'MessageAttributes').toBe('MessageAttributes');
  expect(definition.emailFilterPolicy).toEqual(DOCUMENTED_EMAIL_FILTER);
});

it('the unfiltered inbox receives every change', () => {
  expect(sorted(tuples(everything))).toEqual(
    sorted([
      ['import-ami-0d00000000000000a', 'TaskDiscovered', 'pending'],
      ['import-ami-0d00000000000000b', 'TaskDiscovered', 'running'],
      ['import-ami-0d00000000000000e', 'TaskStateChanged', 'failed'],
      ['export-ami-0d00000000000000c', 'TaskDiscovered', 'running'],
      ['export-ami-0d00000000000000f', 'TaskStateChanged', 'failed'],
      ['macmodification-0d0000000000000d', 'TaskDiscovered', 'pending'],
      ['import-ami-0d00000000000000a', 'TaskStateChanged', 'running'],
      ['import-ami-0d00000000000000b', 'TaskProgressed', 'running'],
      ['export-ami-0d00000000000000c', 'TaskStateChanged', 'succeeded'],
      ['macmodification-0d0000000000000d', 'TaskStateChanged', 'running'],
      ['import-ami-0d00000000000000a', 'TaskStateChanged', 'failed'],
      ['import-ami-0d00000000000000b', 'TaskStateChanged', 'cancelled'],
      ['macmodification-0d0000000000000d', 'TaskDisappeared', 'unknown'],
      ['import-ami-0d00000000000000a', 'TaskProgressed', 'failed'],
    ]),
  );
});

it('the email subscription receives exactly the changes into a finished phase and the disappearances', () => {
  expect(sorted(tuples(emailed))).toEqual(
    sorted([
      ['import-ami-0d00000000000000e', 'TaskStateChanged', 'failed'],
      ['export-ami-0d00000000000000f', 'TaskStateChanged', 'failed'],
      ['export-ami-0d00000000000000c', 'TaskStateChanged', 'succeeded'],
      ['import-ami-0d00000000000000a', 'TaskStateChanged', 'failed'],
      ['import-ami-0d00000000000000b', 'TaskStateChanged', 'cancelled'],
      ['macmodification-0d0000000000000d', 'TaskDisappeared', 'unknown'],
    ]),
  );
  expect(eventIds(emailed)).toEqual(eventIds(everything.filter((message) => emailWorthy(message.event))));
  // The very messages the unfiltered inbox got.
  const byId = new Map(everything.map((message) => [message.event.eventId, message]));
  for (const message of emailed) expect(message).toEqual(byId.get(message.event.eventId));
});

it('a custom filter policy receives only what it promises', () => {
  expect(sorted(tuples(failedImports))).toEqual(
    sorted([
      ['import-ami-0d00000000000000e', 'TaskStateChanged', 'failed'],
      ['import-ami-0d00000000000000a', 'TaskStateChanged', 'failed'],
      ['import-ami-0d00000000000000a', 'TaskProgressed', 'failed'],
    ]),
  );
  expect(eventIds(failedImports)).toEqual(
    eventIds(
      everything.filter(
        (message) => message.event.taskType === 'import-image' && message.event.current.phase === 'failed',
      ),
    ),
  );
});
