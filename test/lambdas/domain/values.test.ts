import { cleanText, MAX_MESSAGE_LENGTH, parseProgress, parseTimestamp } from '../../../lambdas/domain/values';
import { boundedRaw, MAX_RAW_BYTES } from '../../../lambdas/domain/raw';

describe('parseProgress', () => {
  it.each<[unknown, number | null]>([
    ['20%', 20],
    ['84', 84],
    [42, 42],
    [' 7 % ', 7],
    ['120%', 100],
    ['-5', 0],
    ['12.6', 13],
    ['', null],
    ['abc', null],
    ['20%%', null],
    [undefined, null],
    [null, null],
    [{}, null],
  ])('reads %p as %p', (value, expected) => {
    expect(parseProgress(value)).toBe(expected);
  });
});

describe('parseTimestamp', () => {
  it.each<[unknown, string | null]>([
    ['2020-11-06 13:09:54.0', '2020-11-06T13:09:54.000Z'],
    ['2020-11-06 13:09:54', '2020-11-06T13:09:54.000Z'],
    ['2021-03-04T10:11:12.345Z', '2021-03-04T10:11:12.345Z'],
    ['2021-03-04T10:11:12+02:00', '2021-03-04T08:11:12.000Z'],
    [new Date('2022-01-02T03:04:05Z'), '2022-01-02T03:04:05.000Z'],
    ['2021-03-04T10:11:12.3456789-0530', '2021-03-04T15:41:12.345Z'],
    [' 2020-11-06 13:09:54.0 ', '2020-11-06T13:09:54.000Z'],
    ['2024-02-29 00:00:00', '2024-02-29T00:00:00.000Z'],
    ['yesterday', null],
    // Text Date.parse accepts but EC2 never sends.
    ['0', null],
    ['garbage 2020', null],
    ['2020', null],
    ['2020-11-06', null],
    ['Fri, 06 Nov 2020 13:09:54 GMT', null],
    // An ISO time without a zone is ambiguous: only the spaced form is read as UTC.
    ['2021-03-04T10:11:12', null],
    ['2020-11-06 13:09:54+02:00', null],
    // Dates that do not exist are refused, not rolled over.
    ['2020-02-31 10:00:00', null],
    ['2023-02-29T00:00:00Z', null],
    ['2020-13-01T00:00:00Z', null],
    ['2020-11-06T24:00:00Z', null],
    ['2020-11-06 13:60:00', null],
    ['', null],
    [1234, null],
    [new Date('nope'), null],
  ])('reads %p as %p', (value, expected) => {
    expect(parseTimestamp(value)).toBe(expected);
  });
});

describe('cleanText', () => {
  it('removes control characters but keeps newlines and tabs', () => {
    expect(cleanText('line\u0007 one\nline\ttwo\u001b[31m')).toBe('line one\nline\ttwo[31m');
  });

  it('cuts a 1 MB message to the maximum length', () => {
    const text = cleanText('x'.repeat(1024 * 1024));

    expect(text).toHaveLength(MAX_MESSAGE_LENGTH);
    expect(text?.endsWith('…')).toBe(true);
  });

  it('returns null for empty or non-string values', () => {
    expect(cleanText('   ')).toBeNull();
    expect(cleanText(undefined)).toBeNull();
    expect(cleanText(3)).toBeNull();
  });
});

describe('boundedRaw', () => {
  it('turns dates into ISO strings and drops undefined members', () => {
    expect(
      boundedRaw({ StartTime: new Date('2024-05-01T10:00:00Z'), Missing: undefined, Progress: '10%' }),
    ).toEqual({
      StartTime: '2024-05-01T10:00:00.000Z',
      Progress: '10%',
    });
  });

  it('keeps a 1 MB raw object under the bound, marked as truncated', () => {
    const raw = {
      ImportTaskId: 'import-ami-1',
      StatusMessage: 'x'.repeat(1024 * 1024),
      SnapshotDetails: Array.from({ length: 500 }, (_, i) => ({ Description: `d${i}`.repeat(100) })),
    };

    const bounded = boundedRaw(raw);

    expect(Buffer.byteLength(JSON.stringify(bounded))).toBeLessThanOrEqual(MAX_RAW_BYTES);
    expect(bounded).toMatchObject({ _truncated: true, ImportTaskId: 'import-ami-1' });
  });
});
