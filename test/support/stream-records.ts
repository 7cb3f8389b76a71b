// Builds DynamoDB stream records as the table's stream delivers them, for the publisher tests.
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { buildEvent, type TaskChangeEvent } from '../../lambdas/domain/event';
import type { Task } from '../../lambdas/domain/task';
import { partitionKey, PENDING_EVENT_ATTRIBUTE, snapshotSortKey } from '../../lambdas/shared/table-layout';
import { aTask } from './tasks';

let sequence = 1000;

/** An event for version `version` of a task. */
export function anEvent(version: number, task: Task = aTask()): TaskChangeEvent {
  return buildEvent({
    changeType: version === 1 ? 'TaskDiscovered' : 'TaskProgressed',
    previous: null,
    current: task,
    task,
    version,
    detectedAt: new Date('2026-11-23T08:00:00.000Z'),
  });
}

/** The stream record of a snapshot write that recorded `event` as version `version`. */
export function changeRecord(event: TaskChangeEvent, version: number): DynamoDBRecord {
  sequence += 1;
  const keys = { pk: partitionKey(event, event.taskType), sk: snapshotSortKey(event.taskId) };
  const image = marshall({
    ...keys,
    version,
    task: event.task,
    [PENDING_EVENT_ATTRIBUTE]: JSON.stringify(event),
  });
  return {
    eventID: `id-${sequence}`,
    eventName: version === 1 ? 'INSERT' : 'MODIFY',
    dynamodb: {
      // The Lambda types name their own AttributeValue; the wire shape is the same.
      Keys: marshall(keys) as never,
      NewImage: image as never,
      SequenceNumber: String(sequence),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}
