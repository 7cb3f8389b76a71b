// Why: a usage mistake must be one line that names the option and what it takes, never parseArgs'
// multi-line text or a stack trace, and an option of another command must not be silently taken.
import { handlerTimeout, parseCommandLine, port, positiveInteger, positiveNumber } from '../../cli/arguments';
import { UsageError } from '../../cli/errors';

function mistake(argv: string[]): string {
  try {
    parseCommandLine(argv);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`expected ${argv.join(' ')} to be refused`);
}

describe('parseCommandLine', () => {
  it.each([
    [['status', '--json=yes'], '--json takes no value, got --json=yes'],
    [['local', '--scenario'], '--scenario needs a value: --scenario <file>'],
    [['local', '--scenario', '--no-color'], '--scenario needs a value: --scenario <file>'],
    [['history', 'a', 'b'], 'history takes one argument, <taskId>; got 2: a b'],
    [['history'], 'history takes one argument, <taskId>; got none'],
    [['status', 'extra'], 'status takes no arguments; got 1: extra'],
    [
      ['status', '--once'],
      '--once is not an option of status (it belongs to poll); status takes --help, --json, --account <id>, --stack-name <name>, --region <region>, --profile <profile>, --no-color',
    ],
    [
      ['status', '--bogus'],
      'unknown option --bogus for status; it takes --help, --json, --account <id>, --stack-name <name>, --region <region>, --profile <profile>, --no-color',
    ],
    [
      ['poll', '-x'],
      'unknown option -x for poll; it takes --help, --once, --interval <seconds>, --timeout <seconds>, --json',
    ],
    [
      ['frobnicate'],
      'unknown command "frobnicate"; commands: poll, status, history, accounts, redrive, local',
    ],
  ])('%j is refused with one line', (argv, message) => {
    expect(mistake(argv)).toBe(message);
  });

  it('takes a negative number as the value of a numeric option, for its own check to refuse', () => {
    const line = parseCommandLine(['poll', '--interval', '-1']);

    expect(line).toEqual({ command: 'poll', values: { interval: '-1' }, positionals: [] });
    expect(() => positiveNumber('interval', '-1')).toThrow('--interval must be a positive number, got "-1"');
  });

  it('reads the options of the command, its positional argument and --help', () => {
    expect(
      parseCommandLine(['history', 'import-ami-1', '--stack-name', 'Mon', '--region=eu-west-1']),
    ).toEqual({
      command: 'history',
      values: { 'stack-name': 'Mon', region: 'eu-west-1' },
      positionals: ['import-ami-1'],
    });
    expect(parseCommandLine(['status', '-h'])).toEqual({ help: 'status' });
    expect(parseCommandLine(['history', '--help'])).toEqual({ help: 'history' });
    expect(parseCommandLine([])).toEqual({ help: 'main' });
  });
});

describe('option values', () => {
  it('checks numbers, whole numbers and ports', () => {
    expect(positiveNumber('timeout', '2.5')).toBe(2.5);
    expect(() => positiveNumber('timeout', '-3')).toThrow('--timeout must be a positive number, got "-3"');
    expect(() => positiveNumber('timeout', '0')).toThrow(UsageError);
    expect(() => positiveNumber('timeout', '1e3')).toThrow(UsageError);
    expect(() => positiveInteger('cycles', '1.5')).toThrow('--cycles must be a whole number, got "1.5"');
    expect(port('ec2-port', '0')).toBe(0);
    expect(() => port('ec2-port', '70000')).toThrow('--ec2-port must be a port from 0 to 65535, got "70000"');
  });

  // Review finding B7: with 2 s or less, the poll's reserve left the listings nothing, and every
  // listing was abandoned as timed out after 0 ms.
  it('refuses a poll --timeout too small to list anything', () => {
    expect(handlerTimeout(undefined)).toBeUndefined();
    expect(handlerTimeout('3')).toBe(3);
    expect(handlerTimeout('60')).toBe(60);
    for (const small of ['2', '0.5', '2.9']) {
      expect(() => handlerTimeout(small)).toThrow(UsageError);
      expect(() => handlerTimeout(small)).toThrow(
        `--timeout must be at least 3 seconds (the poll keeps 2 s for its writes and report), got "${small}"`,
      );
    }
    expect(() => handlerTimeout('-3')).toThrow('--timeout must be a positive number, got "-3"');
  });
});
