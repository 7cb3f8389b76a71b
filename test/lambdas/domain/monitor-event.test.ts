// A quota event travels the same path as a task change: out of the unit state item's stream record,
// onto the topic with attributes a filter policy can select, and into every channel's text. Each
// step must take it, and say "us-east-1: 17 of 20 concurrent VM import/export image tasks in use (85 %)".
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { toEventBusEntry } from '../../../channels/event-bus/entry';
import { toSlackMessage } from '../../../channels/slack-webhook/message';
import { renderEmail, renderEventLine } from '../../../cli/render';
import { toChatbotNotification } from '../../../lambdas/domain/chatbot-notification';
import { isMonitorEvent } from '../../../lambdas/domain/monitor-event';
import { emptyQuotaState, type QuotaEvent, quotaCrossings } from '../../../lambdas/domain/quota';
import { toSnsMessage } from '../../../lambdas/domain/sns-message';
import { eventFromRecord } from '../../../lambdas/notifiers/notifier';
import { changeFromRecord, MalformedRecordError } from '../../../lambdas/publisher/deliver-changes';
import { PENDING_EVENT_ATTRIBUTE, unitStateKey } from '../../../lambdas/shared/table-layout';
import { anEvent } from '../../support/stream-records';

const SUMMARY = 'us-east-1: 17 of 20 concurrent VM import/export image tasks in use (85 %)';

function quotaEvent(count = 17, version = 3): QuotaEvent {
  const crossings = quotaCrossings(
    { ...emptyQuotaState(), version: version - 1 },
    {
      account: '123456789012',
      region: 'us-east-1',
      counts: new Map([['vm-image-tasks', count]]),
      limits: new Map([['vm-image-tasks', { value: 20, source: 'service-quotas' }]]),
      share: 0.8,
      detectedAt: new Date('2026-12-02T14:00:00.000Z'),
    },
  );
  return crossings[0]!.event;
}

/** The stream record of the unit state write that recorded `event` as the unit's quota version `version`. */
function unitStateRecord(event: unknown, version: number): DynamoDBRecord {
  const keys = unitStateKey({ account: '123456789012', region: 'us-east-1' });
  return {
    eventID: 'id-1',
    eventName: 'MODIFY',
    dynamodb: {
      Keys: marshall(keys) as never,
      NewImage: marshall({ ...keys, version, [PENDING_EVENT_ATTRIBUTE]: JSON.stringify(event) }) as never,
      SequenceNumber: '42',
    },
  };
}

it('is read from its unit state record, claimed on the unit history item of its version', () => {
  const event = quotaEvent();
  const change = changeFromRecord(unitStateRecord(event, 3));

  expect(change?.event).toEqual(event);
  expect(change?.historyKey).toEqual({ pk: 'UNIT#123456789012#us-east-1', sk: 'EVENT#quota#0000000003' });
  expect(change?.carrier).toEqual({ key: { pk: 'UNIT#123456789012#us-east-1', sk: 'STATE' }, version: 3 });
});

it('is refused on a snapshot, and a task change on a unit state item', () => {
  expect(() => changeFromRecord(unitStateRecord(anEvent(1), 1))).toThrow(MalformedRecordError);
});

it('goes on the topic with its change type, account, Region and quota as attributes, and a subject that says it', () => {
  const message = toSnsMessage(quotaEvent());
  const body = JSON.parse(message.message) as { default: string; email: string };

  expect(message.attributes).toEqual({
    changeType: 'QuotaNearlyExhausted',
    account: '123456789012',
    region: 'us-east-1',
    quota: 'vm-image-tasks',
  });
  expect(message.subject).toBe(`[EC2 tasks] ${SUMMARY}`);
  expect(JSON.parse(body.default)).toEqual(quotaEvent());
  expect(body.email).toContain('17 of 20 concurrent VM import/export image tasks in use (85 %) in us-east-1');
  expect(body.email).toContain('ResourceCountLimitExceeded');
});

it('is taken by the notifiers', () => {
  expect(eventFromRecord({ body: JSON.stringify(quotaEvent()) })).toEqual(quotaEvent());
  expect(isMonitorEvent({ ...quotaEvent(), quota: undefined })).toBe(false);
});

it('reads the same in Chatbot, Slack, EventBridge and the local mode', () => {
  const event = quotaEvent();
  const chatbot = toChatbotNotification(event);
  const slack = toSlackMessage(event);
  const entry = toEventBusEntry(event, 'bus');

  expect(chatbot.content.title).toBe(`:warning: ${SUMMARY}`);
  expect(chatbot.metadata).toMatchObject({
    threadId: 'quota-123456789012-us-east-1-vm-image-tasks',
    eventType: 'QuotaNearlyExhausted',
  });
  expect(slack.text).toBe(SUMMARY);
  expect(JSON.stringify(slack.blocks)).toContain(SUMMARY);
  expect(entry).toMatchObject({ DetailType: 'EC2 Task Quota', Resources: [], Source: 'ec2-task-monitor' });
  expect(JSON.parse(entry.Detail)).toEqual(event);
  expect(renderEventLine(event, { color: false })).toBe(`14:00:00  QuotaNearlyExhausted ${SUMMARY}`);
  expect(renderEmail(event, { color: false })).toContain(`Subject: [EC2 tasks] ${SUMMARY}`);
});

it('says when the quota is available again', () => {
  const [cleared] = quotaCrossings(
    {
      levels: new Map([['vm-image-tasks', { level: 'nearly-exhausted', inUse: 17, limit: 20, since: '' }]]),
      version: 3,
    },
    {
      account: '123456789012',
      region: 'us-east-1',
      counts: new Map([['vm-image-tasks', 12]]),
      limits: new Map([['vm-image-tasks', { value: 20, source: 'documented-default' }]]),
      share: 0.8,
      detectedAt: new Date('2026-12-02T15:00:00.000Z'),
    },
  );

  expect(toChatbotNotification(cleared!.event).content.title).toBe(
    ':white_check_mark: us-east-1: 12 of 20 concurrent VM import/export image tasks in use (60 %)',
  );
  expect(toSnsMessage(cleared!.event).attributes.changeType).toBe('QuotaAvailable');
});
