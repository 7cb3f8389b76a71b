import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { EventPublisher } from '../../../lambdas/adapters/event-publisher';
import { toSnsMessage } from '../../../lambdas/domain/sns-message';
import { anEvent } from '../../support/stream-records';

const sns = mockClient(SNSClient);
const topicArn = 'arn:aws:sns:us-east-1:123456789012:events';
const publisher = new EventPublisher(new SNSClient({ region: 'us-east-1' }), topicArn);

beforeEach(() => sns.reset());

describe('EventPublisher', () => {
  it('publishes with MessageStructure json, a subject and string attributes', async () => {
    sns.on(PublishBatchCommand).resolves({ Successful: [{ Id: 'm0', MessageId: 'abc' }], Failed: [] });
    const message = toSnsMessage(anEvent(1));

    const outcomes = await publisher.publishBatch([message]);

    expect(outcomes).toEqual([{ ok: true, messageId: 'abc' }]);
    const input = sns.commandCalls(PublishBatchCommand)[0]?.args[0].input;
    expect(input?.TopicArn).toBe(topicArn);
    expect(input?.PublishBatchRequestEntries?.[0]).toEqual({
      Id: 'm0',
      Message: message.message,
      MessageStructure: 'json',
      Subject: message.subject,
      MessageAttributes: {
        changeType: { DataType: 'String', StringValue: 'TaskDiscovered' },
        taskType: { DataType: 'String', StringValue: 'import-image' },
        phase: { DataType: 'String', StringValue: 'running' },
        state: { DataType: 'String', StringValue: 'active' },
        region: { DataType: 'String', StringValue: 'us-east-1' },
        account: { DataType: 'String', StringValue: '123456789012' },
      },
    });
  });

  it('reports each failed entry with its code', async () => {
    sns.on(PublishBatchCommand).resolves({
      Successful: [{ Id: 'm1', MessageId: 'x' }],
      Failed: [{ Id: 'm0', Code: 'KMSThrottling', SenderFault: false, Message: 'slow down' }],
    });

    const outcomes = await publisher.publishBatch([toSnsMessage(anEvent(1)), toSnsMessage(anEvent(2))]);

    expect(outcomes).toEqual([
      { ok: false, code: 'KMSThrottling', message: 'slow down' },
      { ok: true, messageId: 'x' },
    ]);
  });

  it('turns a failed call into a failure of every entry instead of throwing', async () => {
    sns.on(PublishBatchCommand).rejects(Object.assign(new Error('denied'), { name: 'AuthorizationError' }));

    await expect(publisher.publishBatch([toSnsMessage(anEvent(1))])).resolves.toEqual([
      { ok: false, code: 'AuthorizationError', message: 'denied' },
    ]);
  });
});
