import { matchesFilter } from '../../runtime/event-filter';
import { PUBLISHER_STREAM_FILTER } from '../../lambdas/shared/table-layout';

const record = (eventName: string, sk: string, newImage?: Record<string, unknown>) => ({
  eventName,
  dynamodb: { Keys: { pk: { S: 'us-east-1#bundle' }, sk: { S: sk } }, NewImage: newImage },
});

describe('matchesFilter with the publisher stream filter', () => {
  it('passes snapshot writes that carry a pending event', () => {
    expect(
      matchesFilter(record('MODIFY', 'TASK#bun-1', { pendingEvent: { S: '{}' } }), PUBLISHER_STREAM_FILTER),
    ).toBe(true);
    expect(
      matchesFilter(record('INSERT', 'TASK#bun-1', { pendingEvent: { S: '{}' } }), PUBLISHER_STREAM_FILTER),
    ).toBe(true);
  });

  it('drops silent snapshot writes, history items, deletions and marks', () => {
    expect(
      matchesFilter(record('MODIFY', 'TASK#bun-1', { version: { N: '2' } }), PUBLISHER_STREAM_FILTER),
    ).toBe(false);
    expect(
      matchesFilter(
        record('MODIFY', 'EVENT#bun-1#0000000001', { pendingEvent: { S: '{}' } }),
        PUBLISHER_STREAM_FILTER,
      ),
    ).toBe(false);
    expect(matchesFilter(record('REMOVE', 'TASK#bun-1'), PUBLISHER_STREAM_FILTER)).toBe(false);
  });
});
