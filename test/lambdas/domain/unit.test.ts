// Unit messages: a scheduled unit grouped by unit, deduplicated by unit and cycle, stale after two
// cycles; a triggered one (cloudTrailTrigger) read back only when well-formed, deduplicated by the
// CloudTrail event, stale once its schedule period is over.
import {
  isStale,
  parseUnit,
  type PollUnit,
  unitDeduplicationId,
  unitGroupId,
} from '../../../lambdas/domain/unit';

const triggered: PollUnit = {
  account: '111111111111',
  accountName: 'prod',
  region: 'eu-west-1',
  // The start of the schedule period the call fell in.
  cycleStart: '2026-12-02T12:00:00.000Z',
  trigger: {
    taskType: 'store-image',
    call: 'CreateStoreImageTask',
    eventId: 'b1a7c3d4-0000-4000-8000-00000000beef',
  },
};

/** A scheduled unit, as the dispatcher sends it. */
const unit: PollUnit = {
  account: '111111111111',
  accountName: 'prod',
  region: 'eu-west-1',
  cycleStart: '2026-12-02T12:00:00.000Z',
};

describe('scheduled unit messages', () => {
  it('group by unit, deduplicate by unit and cycle, and are stale after two cycles', () => {
    expect(unitGroupId(unit)).toBe('111111111111#eu-west-1');
    expect(unitDeduplicationId(unit)).toBe(`111111111111#eu-west-1#${Date.parse(unit.cycleStart)}`);
    expect(parseUnit(JSON.stringify(unit))).toEqual(unit);
    expect(isStale(unit, new Date('2026-12-02T12:02:00Z'), 60)).toBe(false);
    expect(isStale(unit, new Date('2026-12-02T12:02:01Z'), 60)).toBe(true);
    expect(() => parseUnit('{"account":"1","region":"x","cycleStart":"2026"}')).toThrow('account id');
    // The account's own coverage is kept; another account's, or a malformed one, is dropped.
    const coverage = { account: unit.account, regions: ['eu-west-1'], writtenAt: unit.cycleStart };
    expect(parseUnit(JSON.stringify({ ...unit, coverage })).coverage).toEqual(coverage);
    expect(
      parseUnit(JSON.stringify({ ...unit, coverage: { ...coverage, account: '222222222222' } })),
    ).not.toHaveProperty('coverage');
    expect(parseUnit(JSON.stringify({ ...unit, coverage: { account: unit.account } }))).not.toHaveProperty(
      'coverage',
    );
  });
});

it('reads a triggered unit back as sent, in its unit’s group, deduplicated by the CloudTrail event', () => {
  expect(parseUnit(JSON.stringify(triggered))).toEqual(triggered);
  expect(unitGroupId(triggered)).toBe('111111111111#eu-west-1');
  expect(unitDeduplicationId(triggered)).toBe('111111111111#eu-west-1#b1a7c3d4-0000-4000-8000-00000000beef');
  // A scheduled unit of the same cycle keeps its own id.
  const { trigger: _, ...scheduled } = triggered;
  expect(unitDeduplicationId(scheduled)).toBe(`111111111111#eu-west-1#${Date.parse(triggered.cycleStart)}`);
});

it.each([
  ['not an object', 'ImportImage'],
  ['an unknown task type', { taskType: 'teleport', call: 'ImportImage', eventId: 'e' }],
  ['a call that creates another type', { taskType: 'store-image', call: 'ImportImage', eventId: 'e' }],
  ['a call that creates nothing', { taskType: 'store-image', call: 'DescribeStoreImageTasks', eventId: 'e' }],
  ['an inherited key for a call', { taskType: 'store-image', call: 'constructor', eventId: 'e' }],
  ['no event id', { taskType: 'store-image', call: 'CreateStoreImageTask' }],
  ['an empty event id', { taskType: 'store-image', call: 'CreateStoreImageTask', eventId: '' }],
])('refuses a trigger with %s', (_name, trigger) => {
  expect(() => parseUnit(JSON.stringify({ ...triggered, trigger }))).toThrow('unit with a malformed trigger');
});

it('is stale once its period has less left than a poll is given, not two cycles later', () => {
  expect(isStale(triggered, new Date('2026-12-02T12:00:54.999Z'), 60)).toBe(false);
  expect(isStale(triggered, new Date('2026-12-02T12:00:55.001Z'), 60)).toBe(true);
  expect(isStale(triggered, new Date('2026-12-02T12:04:54.000Z'), 300)).toBe(false);
});
