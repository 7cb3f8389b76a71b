// Exit codes of the CLI, one meaning each, so scripts can tell a bad setup from a bad poll, and
// the errors that mean "the user has something to change" (printed as one line, never a stack).

/** Exit codes: 0 all done, 1 some listing or delivery failed, 2 bad configuration, usage or environment. */
export const EXIT = { ok: 0, failed: 1, configuration: 2 } as const;

/** The command line or the environment is wrong; the message says what to change. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Something this machine lacks or holds (Java, a free port, a running local mode); the message says what to do. */
export class EnvironmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvironmentError';
  }
}
