import {
  carriesError,
  endingIn,
  type Lifecycle,
  phaseOfState,
  transitionalStates,
} from '../../../lambdas/domain/lifecycle';

const LIFECYCLE: Lifecycle = {
  active: 'running',
  cancelling: endingIn('cancelled', 'failed'),
  failing: endingIn('failed'),
  cancelled: 'cancelled',
  completed: 'succeeded',
};

describe('phaseOfState', () => {
  it.each<[string, string | null, string]>([
    ['active', null, 'running'],
    ['completed', 'ClientError: a warning on a finished task', 'succeeded'],
    // A transitional state is running until its end is certain...
    ['cancelling', null, 'running'],
    ['cancelling', 'Cancelled by the user', 'running'],
    // ... which an error makes it, or its being the only end.
    ['cancelling', 'ServerError: An internal error occurred.', 'failed'],
    ['failing', null, 'failed'],
    // An end called cancelled but explained with an error is a failure.
    ['cancelled', null, 'cancelled'],
    ['cancelled', 'ClientError: The disk image upload was incomplete', 'failed'],
    ['', null, 'unknown'],
    ['toString', null, 'unknown'],
  ])('%s with the message %p is %s', (state, message, phase) => {
    expect(phaseOfState(LIFECYCLE, state, message)).toBe(phase);
  });
});

describe('transitionalStates', () => {
  it('lists the transitional states in lifecycle order with their ends', () => {
    expect(transitionalStates(LIFECYCLE)).toEqual([
      ['cancelling', ['cancelled', 'failed']],
      ['failing', ['failed']],
    ]);
  });
});

describe('carriesError', () => {
  it.each([
    ['ClientError: Unknown OS / missing OS files.', true],
    ['Upload of the disk image failed', true],
    ['An internal error occurred', true],
    ['Cancelled by the user', false],
    [null, false],
  ])('%p: %p', (message, expected) => {
    expect(carriesError(message)).toBe(expected);
  });
});
