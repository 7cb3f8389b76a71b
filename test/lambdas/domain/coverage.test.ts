import {
  type AccountCoverage,
  classifyFailure,
  coverageChanged,
  failureOf,
  leavesUnmonitored,
} from '../../../lambdas/domain/coverage';

const NOW = new Date('2026-12-02T12:00:00Z');

describe('classifyFailure', () => {
  it.each([
    ['AccessDenied', 'assume-role', 'role-missing'],
    ['AccessDenied', 'region', 'error'],
    ['UnauthorizedOperation', 'region', 'error'],
    ['RegionDisabledException', 'assume-role', 'region-not-enabled'],
    ['OptInRequired', 'region', 'region-not-enabled'],
    ['AuthFailure', 'region', 'region-not-enabled'],
    ['RequestLimitExceeded', 'region', 'throttled'],
    ['TooManyRequestsException', 'assume-role', 'throttled'],
    ['SUSPENDED', 'assume-role', 'account-inactive'],
    ['InternalError', 'region', 'error'],
  ] as const)('%s at %s is %s', (code, stage, kind) => {
    expect(classifyFailure(code, stage)).toBe(kind);
  });

  it('reads the SDK error name and message, and counts every kind but a Region not enabled', () => {
    const error = Object.assign(new Error('not authorized to perform: sts:AssumeRole'), {
      name: 'AccessDenied',
    });
    const failure = failureOf(error, 'assume-role', NOW);

    expect(failure).toEqual({
      kind: 'role-missing',
      code: 'AccessDenied',
      message: 'not authorized to perform: sts:AssumeRole',
      region: undefined,
      at: NOW.toISOString(),
    });
    expect(leavesUnmonitored(failure)).toBe(true);
    expect(leavesUnmonitored({ ...failure, kind: 'region-not-enabled' })).toBe(false);
    expect(leavesUnmonitored(undefined)).toBe(false);
  });
});

describe('coverageChanged', () => {
  const stored: AccountCoverage = {
    account: '111111111111',
    name: 'prod',
    regions: ['eu-west-1'],
    lastCompletePollAt: '2026-12-02T11:00:00Z',
    writtenAt: '2026-12-02T11:00:00Z',
  };

  it('writes nothing for a later complete poll alone (an idle cycle writes nothing)', () => {
    expect(
      coverageChanged(
        stored,
        { ...stored, lastCompletePollAt: NOW.toISOString(), writtenAt: NOW.toISOString() },
        NOW,
      ),
    ).toBe(false);
  });

  it('writes a new account, a new name, new Regions, a new or cleared failure, and daily', () => {
    const failure = { kind: 'throttled', code: 'Throttling', message: '', at: NOW.toISOString() } as const;
    expect(coverageChanged(undefined, stored, NOW)).toBe(true);
    expect(coverageChanged(stored, { ...stored, name: 'production' }, NOW)).toBe(true);
    expect(coverageChanged(stored, { ...stored, regions: ['eu-west-1', 'us-east-1'] }, NOW)).toBe(true);
    expect(coverageChanged(stored, { ...stored, failure }, NOW)).toBe(true);
    expect(coverageChanged({ ...stored, failure }, stored, NOW)).toBe(true);
    expect(
      coverageChanged({ ...stored, failure }, { ...stored, failure: { ...failure, at: 'later' } }, NOW),
    ).toBe(false);
    expect(coverageChanged(stored, stored, new Date('2026-12-03T11:00:00Z'))).toBe(true);
  });
});
