import {
  describeStatus,
  ELLIPSIS,
  escapeControlCharacters,
  estimateText,
  formatDuration,
  formatMinutes,
  oneLine,
  stallText,
  truncate,
  withoutLinks,
} from '../../../lambdas/domain/chat-text';
import type { TaskStatus } from '../../../lambdas/domain/task';

describe('oneLine', () => {
  it('turns each run of line breaks, tabs and spaces into one space and trims the ends', () => {
    expect(oneLine('  one\n# two\r\n\tthree   four \n')).toBe('one # two three four');
  });

  it('also flattens the Unicode line and paragraph separators', () => {
    expect(oneLine('a\u2028b\u2029c\u0085d')).toBe('a b c d');
  });

  it('replaces C0, DEL and C1 control characters', () => {
    expect(oneLine('a\u0000b\u0007c\u001bd\u007fe\u009bf')).toBe('a b c d e f');
  });

  it('removes bidirectional and format controls, so nothing is reordered or hidden', () => {
    expect(oneLine('report\u202Etxt.exe \u2066x\u2069 a\u200Bb\u200Fc \u202Ad\u202C \uFEFFe\u061C')).toBe(
      'reporttxt.exe x abc d e',
    );
  });

  it('leaves other text, including emoji and non-Latin letters, as it is', () => {
    expect(oneLine('Échec 😀 変換')).toBe('Échec 😀 変換');
  });
});

describe('withoutLinks', () => {
  it('leaves no address to link, in text that reads the same', () => {
    expect(withoutLinks('see https://evil.example/x or www.evil.example, v1.2 done.')).toBe(
      'see https:\u2215\u2215evil\u2024example/x or www\u2024evil\u2024example, v1\u20242 done.',
    );
  });
});

describe('escapeControlCharacters', () => {
  it('turns &, < and > into entities so no mention or link is parsed', () => {
    expect(escapeControlCharacters('<!channel> <@U123> <http://evil|x> a&b')).toBe(
      '&lt;!channel&gt; &lt;@U123&gt; &lt;http://evil|x&gt; a&amp;b',
    );
  });

  it('escapes the ampersand of text that already looks like an entity', () => {
    expect(escapeControlCharacters('&lt;')).toBe('&amp;lt;');
  });

  it('leaves markdown punctuation to the escaper of each markup language', () => {
    expect(escapeControlCharacters('*b* _i_ [x](y) \\')).toBe('*b* _i_ [x](y) \\');
  });
});

describe('truncate', () => {
  it('returns text that fits as it is', () => {
    expect(truncate('abcdef', 6)).toBe('abcdef');
    expect(truncate('', 1)).toBe('');
  });

  it('cuts to exactly the limit, ellipsis included', () => {
    // Act
    const cut = truncate('abcdefgh', 6);

    // Assess
    expect(cut).toBe(`abcde${ELLIPSIS}`);
    expect(cut.length).toBe(6);
  });

  it('never leaves half of a surrogate pair', () => {
    expect(truncate('ab😀cd', 4)).toBe('ab…');
    expect(truncate('ab😀cd', 5)).toBe('ab😀…');
  });

  it('never cuts inside an entity', () => {
    expect(truncate('abcd&lt;efgh', 8)).toBe('abcd…');
    expect(truncate('abcd&amp;efgh', 7)).toBe('abcd…');
    expect(truncate('abcd&#x27;efgh', 9)).toBe('abcd…');
    expect(truncate('abcd&lt;efgh', 9)).toBe('abcd&lt;…');
  });

  it('never ends on an odd run of backslashes, which would escape what follows', () => {
    expect(truncate('ab\\[cdef', 4)).toBe('ab…');
    expect(truncate('ab\\\\cdef', 5)).toBe('ab\\\\…');
    expect(truncate('a\\\\\\[bcd', 5)).toBe('a\\\\…');
  });

  it('gives just the ellipsis when the limit is one', () => {
    expect(truncate('abc', 1)).toBe(ELLIPSIS);
  });

  it('stays within the limit and ends cleanly for every limit on hostile text', () => {
    // Prepare
    const hostile = '&lt;!channel&gt; 😀\\\\\\[x\\]&amp;@\u200bhere 🏳️‍🌈 &#x27;'.repeat(3);

    // Act
    const cuts = Array.from({ length: hostile.length + 1 }, (_, max) => truncate(hostile, Math.max(1, max)));

    // Assess
    for (const [max, cut] of cuts.entries()) {
      expect(cut.length).toBeLessThanOrEqual(Math.max(1, max));
      if (cut === hostile) continue;
      const body = cut.slice(0, -ELLIPSIS.length);
      expect(cut.endsWith(ELLIPSIS)).toBe(true);
      expect(body).not.toMatch(/[\ud800-\udbff]$/);
      expect(body).not.toMatch(/&[#a-zA-Z0-9]*$/);
      expect((/\\*$/.exec(body)?.[0].length ?? 0) % 2).toBe(0);
    }
  });
});

describe('describeStatus', () => {
  const failed: TaskStatus = { state: 'deleted', phase: 'failed', progress: null, statusMessage: null };

  it('names the phase and the raw state', () => {
    expect(describeStatus(failed)).toBe('failed (deleted)');
  });

  it('names only the phase when the API gave no state', () => {
    expect(describeStatus({ ...failed, state: '' })).toBe('failed');
  });

  it('says first seen when there is no previous status', () => {
    expect(describeStatus(null)).toBe('(first seen)');
  });

  it('escapes the raw state, which comes from the API, but not the phase', () => {
    expect(describeStatus({ ...failed, state: 'de*le*ted' }, (text) => `<${text}>`)).toBe(
      'failed (<de*le*ted>)',
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [999, '0s'],
    [45_000, '45s'],
    [200_000, '3m 20s'],
    [3_900_000, '1h 5m'],
    [26 * 3_600_000 + 60_000, '26h 1m'],
    [-5_000, '0s'],
    [Number.NaN, '0s'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('the stall and estimate texts', () => {
  it('words minutes as people read them', () => {
    expect([0, 20_000, 25 * 60_000, 60 * 60_000, 190 * 60_000].map(formatMinutes)).toEqual([
      'under 1 min',
      'under 1 min',
      '25 min',
      '1 h',
      '3 h 10 min',
    ]);
  });

  it('says how long is left and around when, with the day when it is not the same', () => {
    const detectedAt = '2026-12-02T13:55:00.000Z';
    expect(estimateText({ detectedAt, current: { estimatedCompletion: '2026-12-02T14:20:00Z' } })).toBe(
      'about 25 min left (around 14:20 UTC)',
    );
    expect(estimateText({ detectedAt, current: { estimatedCompletion: '2026-12-03T02:00:00Z' } })).toBe(
      'about 12 h 5 min left (around Dec 3 02:00 UTC)',
    );
    expect(estimateText({ detectedAt, current: {} })).toBeUndefined();
  });

  it('says how long a task was still, on its stall and on the change that ends it', () => {
    const stall = { stillSince: '2026-12-02T11:10:00.000Z', stillForSeconds: 190 * 60 };
    const detectedAt = '2026-12-02T14:20:00.000Z';
    expect(stallText({ changeType: 'TaskStalled', detectedAt, stall })).toBe(
      'still for 3 h 10 min (since 11:10 UTC)',
    );
    expect(stallText({ changeType: 'TaskProgressed', detectedAt, stall })).toBe(
      'moved again after 3 h 10 min still',
    );
    expect(stallText({ changeType: 'TaskProgressed', detectedAt })).toBeUndefined();
  });
});
