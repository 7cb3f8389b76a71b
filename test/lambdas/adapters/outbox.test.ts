import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { Outbox } from '../../../lambdas/adapters/outbox';

const dynamodb = mockClient(DynamoDBClient);
const outbox = new Outbox(new DynamoDBClient({ region: 'us-east-1' }), 'monitor');
const key = { pk: 'us-east-1#import-image', sk: 'EVENT#import-ami-1#0000000002' };
const now = new Date('2026-11-23T08:00:00.000Z');
const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

beforeEach(() => dynamodb.reset());

describe('Outbox.claim', () => {
  it('claims an unpublished change with a lease, unless another owner holds a live claim', async () => {
    dynamodb.on(UpdateItemCommand).resolves({});

    await expect(outbox.claim(key, 'req-1', now, 120_000)).resolves.toBe('claimed');

    const input = dynamodb.commandCalls(UpdateItemCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe(
      'attribute_exists(#pk) AND attribute_not_exists(publishedAt) AND (attribute_not_exists(claimUntil) OR claimUntil < :now OR claimOwner = :owner)',
    );
    expect(input?.ExpressionAttributeValues).toEqual(
      marshall({ ':owner': 'req-1', ':until': now.getTime() + 120_000, ':now': now.getTime() }),
    );
  });

  it.each([
    ['published', marshall({ pk: key.pk, sk: key.sk, publishedAt: '2026-11-23T07:59:00.000Z' })],
    ['busy', marshall({ pk: key.pk, sk: key.sk, claimOwner: 'req-2', claimUntil: now.getTime() + 5000 })],
    ['missing', undefined],
  ])('answers %s when the condition fails, from a consistent read of the item', async (outcome, item) => {
    dynamodb.on(UpdateItemCommand).rejects(conditionFailed());
    dynamodb.on(GetItemCommand).resolves({ Item: item });

    await expect(outbox.claim(key, 'req-1', now, 60_000)).resolves.toBe(outcome);
    expect(dynamodb.commandCalls(GetItemCommand)[0]?.args[0].input.ConsistentRead).toBe(true);
  });
});

describe('Outbox.markPublished and release', () => {
  it('marks a change published and ends its claim', async () => {
    dynamodb.on(UpdateItemCommand).resolves({});

    await outbox.markPublished(key, 'msg-1', now);

    expect(dynamodb.commandCalls(UpdateItemCommand)[0]?.args[0].input.UpdateExpression).toBe(
      'SET publishedAt = :at, messageId = :id REMOVE claimOwner, claimUntil',
    );
  });

  it('then drops the published event from its snapshot, unless a later write replaced the snapshot', async () => {
    const carrier = { key: { pk: key.pk, sk: 'TASK#import-ami-1' }, version: 3 };
    dynamodb.on(UpdateItemCommand).resolvesOnce({}).rejectsOnce(conditionFailed()).resolves({});

    await outbox.markPublished(key, 'msg-1', now, carrier);

    const [, drop] = dynamodb.commandCalls(UpdateItemCommand).map((call) => call.args[0].input);
    expect(drop).toMatchObject({
      Key: { pk: { S: key.pk }, sk: { S: 'TASK#import-ami-1' } },
      UpdateExpression: 'REMOVE #pending',
      ConditionExpression: '#version = :version',
      ExpressionAttributeNames: { '#pending': 'pendingEvent', '#version': 'version' },
      ExpressionAttributeValues: { ':version': { N: '3' } },
    });
  });

  it('releases only its own claim, quietly when it no longer holds it', async () => {
    dynamodb.on(UpdateItemCommand).rejects(conditionFailed());

    await expect(outbox.release(key, 'req-1')).resolves.toBeUndefined();
    expect(dynamodb.commandCalls(UpdateItemCommand)[0]?.args[0].input.ConditionExpression).toBe(
      'claimOwner = :owner',
    );
  });
});
