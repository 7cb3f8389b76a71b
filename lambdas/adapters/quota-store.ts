// The quota levels of a unit live on its state item (`UNIT#<account>#<region>`, `STATE`), which every
// poll reads anyway: `quota:<group>` holds a group's level, `version` counts the unit's quota events.
// A level change is recorded as task changes are: one transaction that updates the state item,
// carrying the event in `pendingEvent` (the outbox the publisher's stream filter picks up), and adds
// a history item (`EVENT#quota#<version>`) the publisher claims and marks. The update is
// conditioned on the unit's quota version, so two polls never both record one crossing, and a
// crash leaves either both items or neither.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { QuotaCrossing } from '../domain/quota';
import {
  eventSortKey,
  PENDING_EVENT_ATTRIBUTE,
  QUOTA_HISTORY_ID,
  QUOTA_VERSION_ATTRIBUTE,
  quotaAttribute,
  TABLE_LAYOUT,
  type Unit,
  unitStateKey,
} from '../shared/table-layout';
import { historyPut, type WriteOutcome, writeChange } from './snapshot-store';

const { partitionKey: PK, sortKey: SK, timeToLiveAttribute: TTL } = TABLE_LAYOUT;

/** Records quota crossings in the monitor's table. */
export class QuotaStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /**
   * Records one crossing as the unit's quota version `expectedVersion + 1`, if the stored version is
   * still `expectedVersion`; `conflict` when another poll recorded one meanwhile.
   */
  async recordCrossing(
    unit: Unit,
    crossing: QuotaCrossing,
    expectedVersion: number,
    historyExpiresAt: number,
  ): Promise<WriteOutcome> {
    const key = unitStateKey(unit);
    const version = expectedVersion + 1;
    return writeChange(this.client, [
      {
        Update: {
          TableName: this.tableName,
          Key: marshall({ [PK]: key.pk, [SK]: key.sk }),
          UpdateExpression: 'SET #level = :level, #pending = :event, #version = :version',
          ConditionExpression:
            expectedVersion === 0 ? 'attribute_not_exists(#version)' : '#version = :expected',
          ExpressionAttributeNames: {
            '#level': quotaAttribute(crossing.group.name),
            '#pending': PENDING_EVENT_ATTRIBUTE,
            '#version': QUOTA_VERSION_ATTRIBUTE,
          },
          ExpressionAttributeValues: marshall({
            ':level': crossing.level,
            ':event': JSON.stringify(crossing.event),
            ':version': version,
            ...(expectedVersion === 0 ? {} : { ':expected': expectedVersion }),
          }),
        },
      },
      historyPut(
        this.tableName,
        marshall({
          [PK]: key.pk,
          [SK]: eventSortKey(QUOTA_HISTORY_ID, version),
          taskId: QUOTA_HISTORY_ID,
          version,
          changeType: crossing.event.changeType,
          detectedAt: crossing.event.detectedAt,
          event: JSON.stringify(crossing.event),
          [TTL]: historyExpiresAt,
        }),
      ),
    ]);
  }
}
