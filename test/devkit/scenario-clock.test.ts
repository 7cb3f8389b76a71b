// The local mode's scenario clock: each cycle moves it by the scenario's minutes, within a cycle it
// follows the real clock (the handlers' timers and deadlines), and it never goes back.
import { ScenarioClock, scenarioTimeLabel } from '../../devkit/scenario-clock';

const START = new Date('2026-12-02T10:00:00.000Z');
const MINUTE = 60_000;

/** A real clock the test moves by hand. */
function realClock(at = Date.parse('2026-12-03T05:21:36.434Z')) {
  let now = at;
  return { now: () => now, pass: (ms: number) => (now += ms) };
}

it('starts at its start and moves by minutesPerTick at each cycle, following real time within one', () => {
  // Prepare
  const real = realClock();
  const clock = new ScenarioClock({ minutesPerTick: 10, start: START, realNow: real.now });

  // Act and assess: within the first cycle, real seconds are scenario seconds.
  expect(clock.now()).toEqual(START);
  real.pass(2_500);
  expect(clock.now()).toEqual(new Date(START.getTime() + 2_500));

  // The next cycle starts ten scenario minutes after the first started, whatever real time passed.
  real.pass(1_000);
  expect(clock.advance()).toEqual(new Date(START.getTime() + 10 * MINUTE));
  expect(clock.now()).toEqual(new Date(START.getTime() + 10 * MINUTE));
  real.pass(400);
  expect(clock.now()).toEqual(new Date(START.getTime() + 10 * MINUTE + 400));
  expect(clock.cycleStartedAt).toEqual(new Date(START.getTime() + 10 * MINUTE));
  clock.advance();
  expect(clock.now()).toEqual(new Date(START.getTime() + 20 * MINUTE));
});

it('gives the handlers a function they can call unbound', () => {
  const real = realClock();
  const { now } = new ScenarioClock({ minutesPerTick: 1, start: START, realNow: real.now });

  expect(now()).toEqual(START);
});

it('never goes back: a cycle longer in real time than its minutes ends later', () => {
  // Prepare: a cycle of three real minutes when each stands for one scenario minute.
  const real = realClock();
  const clock = new ScenarioClock({ minutesPerTick: 1, start: START, realNow: real.now });
  real.pass(3 * MINUTE);
  const read = clock.now();

  // Act
  const next = clock.advance();

  // Assess
  expect(read).toEqual(new Date(START.getTime() + 3 * MINUTE));
  expect(next).toEqual(read);
  real.pass(1);
  expect(clock.now().getTime()).toBeGreaterThan(read.getTime());
});

it('starts at the real time down to the whole minute by default', () => {
  const real = realClock(Date.parse('2026-12-03T05:21:36.434Z'));

  const clock = new ScenarioClock({ minutesPerTick: 10, realNow: real.now });

  expect(clock.now().toISOString()).toBe('2026-12-03T05:21:00.000Z');
});

it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY])('refuses minutesPerTick %p, naming it', (value) => {
  expect(() => new ScenarioClock({ minutesPerTick: value })).toThrow(
    new RangeError(`minutesPerTick: expected a positive number, got ${String(value)}`),
  );
});

it('refuses a start that is not a date, naming it', () => {
  expect(() => new ScenarioClock({ minutesPerTick: 10, start: new Date('not a date') })).toThrow(
    'start: expected a valid date',
  );
});

it('labels a scenario time by its UTC hour and minute', () => {
  expect(scenarioTimeLabel(new Date('2026-12-02T10:40:59.999Z'))).toBe('10:40 UTC');
});
