// Reads the command line against the command's own options (cli/usage.ts). Node's parseArgs
// splits the words; every mistake is then reported here as one UsageError line naming the option
// and what it takes, instead of parseArgs' own multi-line messages.
import { parseArgs } from 'node:util';
import { UsageError } from './errors';
import { COMMAND_NAMES, COMMANDS, type CommandName, type CommandSpec } from './usage';

/** A command line that names a command. */
export interface ParsedCommand {
  command: CommandName;
  /** String options as given, boolean options as true; absent when not given. */
  values: Readonly<Record<string, string | true>>;
  positionals: readonly string[];
}

/** What the command line asks for. */
export type CommandLine = { help: 'main' } | { help: CommandName } | ParsedCommand;

const NUMBER = /^-?(\d+\.?\d*|\.\d+)$/;

function isCommand(name: string): name is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(name);
}

/** The commands that have an option, for "belongs to poll" messages. */
function commandsWith(option: string): CommandName[] {
  return COMMAND_NAMES.filter((name) => option in COMMANDS[name].options);
}

function optionList(spec: CommandSpec): string {
  return Object.entries(spec.options)
    .map(([name, option]) => (option.value ? `--${name} ${option.value}` : `--${name}`))
    .join(', ');
}

function unknownOption(spec: CommandSpec, raw: string, name: string): UsageError {
  const owners = raw.startsWith('--') ? commandsWith(name) : [];
  if (owners.length > 0)
    return new UsageError(
      `${raw} is not an option of ${spec.name} (it belongs to ${owners.join(', ')}); ${spec.name} takes ${optionList(spec)}`,
    );
  return new UsageError(`unknown option ${raw} for ${spec.name}; it takes ${optionList(spec)}`);
}

/**
 * Parses the arguments after the program name.
 * @throws UsageError naming the first mistake: an unknown command or option, a missing or extra
 * value, a missing or extra argument
 */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help')
    return { help: 'main' };
  if (!isCommand(command))
    throw new UsageError(`unknown command "${command}"; commands: ${COMMAND_NAMES.join(', ')}`);
  const spec = COMMANDS[command];
  const options = Object.fromEntries(
    Object.entries(spec.options).map(([name, option]) => [
      name,
      name === 'help' ? { type: option.type, short: 'h' } : { type: option.type },
    ]),
  );
  // Not strict: every token comes back, and each mistake gets its own message below.
  const { tokens } = parseArgs({
    args: [...rest],
    options,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const values: Record<string, string | true> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    if (token.kind === 'option-terminator') continue;
    const option = spec.options[token.name];
    if (!option) throw unknownOption(spec, token.rawName, token.name);
    if (option.type === 'boolean') {
      if (token.value !== undefined)
        throw new UsageError(`${token.rawName} takes no value, got ${token.rawName}=${token.value}`);
      values[token.name] = true;
      continue;
    }
    // parseArgs takes the next word as the value even when it is another option: a value that
    // starts with "-" is only one for a numeric option, where it is a (negative) number.
    const value = token.value;
    const looksLikeOption =
      !token.inlineValue && value?.startsWith('-') && !(option.numeric && NUMBER.test(value));
    if (value === undefined || looksLikeOption)
      throw new UsageError(`${token.rawName} needs a value: ${token.rawName} ${option.value ?? '<value>'}`);
    values[token.name] = value;
  }
  if (values.help) return { help: command };
  if (positionals.length !== spec.positionals.length) {
    const wanted =
      spec.positionals.length === 0
        ? 'no arguments'
        : `${spec.positionals.length === 1 ? 'one argument' : `${spec.positionals.length} arguments`}, ${spec.positionals.join(' ')}`;
    const got = positionals.length === 0 ? 'none' : `${positionals.length}: ${positionals.join(' ')}`;
    throw new UsageError(`${command} takes ${wanted}; got ${got}`);
  }
  return { command, values, positionals };
}

/** A positive number option, or undefined when not given. */
export function positiveNumber(name: string, value: string | true | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (typeof value !== 'string' || !NUMBER.test(value) || !(number > 0))
    throw new UsageError(`--${name} must be a positive number, got "${String(value)}"`);
  return number;
}

/**
 * Fewest seconds `poll --timeout` accepts. The poll keeps at least 2 s of a handler call for its
 * writes and report, and shares the rest among the listings: at 2 s or less the listings' share is
 * nothing, and every listing would be abandoned as timed out at once.
 */
const MIN_HANDLER_TIMEOUT_SECONDS = 3;

/** `poll --timeout <seconds>`: a number of seconds from {@link MIN_HANDLER_TIMEOUT_SECONDS}, or undefined when not given. */
export function handlerTimeout(value: string | true | undefined): number | undefined {
  const seconds = positiveNumber('timeout', value);
  if (seconds !== undefined && seconds < MIN_HANDLER_TIMEOUT_SECONDS)
    throw new UsageError(
      `--timeout must be at least ${MIN_HANDLER_TIMEOUT_SECONDS} seconds (the poll keeps 2 s for its writes and report), got "${String(value)}"`,
    );
  return seconds;
}

/** A positive whole number option, or undefined when not given. */
export function positiveInteger(name: string, value: string | true | undefined): number | undefined {
  const number = positiveNumber(name, value);
  if (number !== undefined && !Number.isInteger(number))
    throw new UsageError(`--${name} must be a whole number, got "${String(value)}"`);
  return number;
}

/** A port option (0 picks a free one), or undefined when not given. */
export function port(name: string, value: string | true | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || number > 65535)
    throw new UsageError(`--${name} must be a port from 0 to 65535, got "${String(value)}"`);
  return number;
}

/** A string option, or undefined when not given. */
export function text(value: string | true | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
