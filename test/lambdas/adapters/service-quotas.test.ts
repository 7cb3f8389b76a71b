// The limits reader against a mocked Service Quotas: the quotas found by name, a day in the
// container's cache, and the documented limits when the call is denied (logged once).
import type { Logger } from '@aws-lambda-powertools/logger';
import {
  ListServiceQuotasCommand,
  ServiceQuotasClient,
  ServiceQuotasServiceException,
} from '@aws-sdk/client-service-quotas';
import { mockClient } from 'aws-sdk-client-mock';
import {
  documentedLimits,
  QUOTA_LIMITS_TTL_MS,
  QUOTA_RETRY_AFTER_MS,
  serviceQuotaLimits,
} from '../../../lambdas/adapters/service-quotas';

const sq = mockClient(ServiceQuotasClient);
const client = new ServiceQuotasClient({ region: 'us-east-1' });

function reader(clock: { now: number }) {
  const warnings: unknown[][] = [];
  const logger = { warn: (...args: unknown[]) => warnings.push(args) } as unknown as Logger;
  const read = serviceQuotaLimits({ clientFor: () => client, logger, now: () => new Date(clock.now) });
  return { read, warnings };
}

const denied = () =>
  new ServiceQuotasServiceException({
    name: 'AccessDeniedException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: 'not authorized to perform: servicequotas:ListServiceQuotas',
  });

beforeEach(() => sq.reset());

it('reads the limits by the quotas names, keeps them a day, then reads them again', async () => {
  sq.on(ListServiceQuotasCommand, { ServiceCode: 'ec2' }).resolves({
    Quotas: [
      { QuotaName: 'Running On-Demand Standard instances', Value: 1152 },
      { QuotaName: 'Concurrent import image and import snapshot tasks', Value: 30 },
      { QuotaName: 'Concurrent ImportInstance and ImportVolume tasks', Value: 8 },
    ],
  });
  const clock = { now: Date.parse('2026-12-02T12:00:00Z') };
  const { read, warnings } = reader(clock);

  const limits = await read('123456789012', 'us-east-1');
  await read('123456789012', 'us-east-1');
  clock.now += QUOTA_LIMITS_TTL_MS + 1;
  await read('123456789012', 'us-east-1');

  expect(limits).toEqual(
    new Map([
      ['vm-image-tasks', { value: 30, source: 'service-quotas' }],
      ['vm-conversion-tasks', { value: 8, source: 'service-quotas' }],
    ]),
  );
  expect(sq.commandCalls(ListServiceQuotasCommand)).toHaveLength(2);
  expect(warnings).toEqual([]);
});

it('keeps the documented default of a group no quota names', async () => {
  sq.on(ListServiceQuotasCommand).resolves({ Quotas: [{ QuotaName: 'AMIs', Value: 50000 }] });
  const { read } = reader({ now: 0 });
  expect(await read('123456789012', 'eu-west-1')).toEqual(documentedLimits());
});

it('falls back to the documented limits when the call is denied, logs it once, and asks again an hour later', async () => {
  sq.on(ListServiceQuotasCommand).rejects(denied());
  const clock = { now: Date.parse('2026-12-02T12:00:00Z') };
  const { read, warnings } = reader(clock);

  const limits = await read('123456789012', 'us-east-1');
  await read('123456789012', 'us-east-1');
  clock.now += QUOTA_RETRY_AFTER_MS + 1;
  await read('123456789012', 'us-east-1');

  expect(limits).toEqual(
    new Map([
      ['vm-image-tasks', { value: 20, source: 'documented-default' }],
      ['vm-conversion-tasks', { value: 5, source: 'documented-default' }],
    ]),
  );
  expect(sq.commandCalls(ListServiceQuotasCommand)).toHaveLength(2);
  expect(warnings).toHaveLength(1);
  expect(warnings[0]?.[1]).toMatchObject({
    account: '123456789012',
    region: 'us-east-1',
    code: 'AccessDeniedException',
  });
});
