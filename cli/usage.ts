// What each command accepts and its help text, apart from the commands' code: `--help` and a usage
// error are answered from here alone, without loading aws-cdk-lib, the SDK or the handlers.
import { STACK_NAME } from '../lib/stack-outputs';

/** The commands. */
export const COMMAND_NAMES = ['poll', 'status', 'history', 'accounts', 'redrive', 'local'] as const;

/** A command's name. */
export type CommandName = (typeof COMMAND_NAMES)[number];

/** One option of a command. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  /** How the value is written in messages, e.g. `<seconds>`; string options only. */
  value?: string;
  /** Accepts only a number: a value such as `-1` is that number, not a missing value. */
  numeric?: boolean;
}

/** What a command accepts. */
export interface CommandSpec {
  name: CommandName;
  /** Its usage and options, printed by `--help`. */
  help: string;
  options: Readonly<Record<string, OptionSpec>>;
  /** Its positional arguments, e.g. `<taskId>`, all required; none when empty. */
  positionals: readonly string[];
}

const HELP_OPTION: Record<string, OptionSpec> = { help: { type: 'boolean' } };
const COLOR_OPTION: Record<string, OptionSpec> = { 'no-color': { type: 'boolean' } };

/** How `status`, `history` and `redrive` find the deployed stack. */
const STACK_OPTIONS: Record<string, OptionSpec> = {
  'stack-name': { type: 'string', value: '<name>' },
  region: { type: 'string', value: '<region>' },
  profile: { type: 'string', value: '<profile>' },
};

/** Organization mode: `status`, `history` and `redrive` of one account. */
const ACCOUNT_OPTION: Record<string, OptionSpec> = { account: { type: 'string', value: '<id>' } };

const ACCOUNT_OPTION_HELP = `  --account <id>        organization mode: only this account (default: every account the
                        monitor watches, from its coverage items)`;

const STACK_OPTIONS_HELP = `  --stack-name <name>   the deployed stack (default ${STACK_NAME})
  --region <region>     the stack's Region (default: AWS_REGION, or the profile's Region)
  --profile <profile>   a profile of the AWS CLI configuration (default: AWS_PROFILE)
  --no-color            plain output`;

const FINDS_THE_STACK = `Finds the table, the topic and the monitor's settings in the deployed stack: its outputs
(CloudFormation DescribeStacks) and its poller's environment (Lambda GetFunctionConfiguration).
Variables set in the environment (TABLE_NAME, TOPIC_ARN, REGIONS, TASK_TYPES) take precedence,
so \`source .local/ec2-task-monitor.env\` points the command at the local mode.`;

/** The command line's own usage. */
export const HELP = `Usage: ec2-task-monitor <command> [options]

Watches Amazon EC2's long-running tasks and publishes every state change to SNS.

Commands:
  poll --once        one full cycle of the deployed code path (poller, then publisher)
  status             the current snapshot of every task, from DynamoDB
  history <taskId>   one task's timeline of changes, oldest first
  accounts           organization mode: every account with its coverage and last failure
  redrive            publish the recorded changes that never went out (after a dead-letter alarm)
  local              the whole pipeline on local engines, no AWS account (npm start)

Run 'ec2-task-monitor <command> --help' for a command's options.`;

/** Every command's options and help. */
export const COMMANDS: Readonly<Record<CommandName, CommandSpec>> = {
  poll: {
    name: 'poll',
    positionals: [],
    options: {
      ...HELP_OPTION,
      once: { type: 'boolean' },
      interval: { type: 'string', value: '<seconds>', numeric: true },
      timeout: { type: 'string', value: '<seconds>', numeric: true },
      json: { type: 'boolean' },
    },
    help: `Usage: ec2-task-monitor poll --once [--json]
       ec2-task-monitor poll --interval <seconds>

Runs one full cycle of the deployed code path: the poller's handler lists every configured task
type in every configured Region and records the changes, then every recorded change is read from
the table's stream and published to the topic by the publisher's handler.

Organization mode (ACCOUNTS set, and not self): the dispatcher's handler sends one unit per
account and Region to the queue QUEUE_URL names, and this process hands each unit from that queue
to the worker's handler, as Lambda's event source would (use a queue no deployed worker reads,
such as the local mode's); one line per failed account on stderr.

Reads the same environment variables the stack sets on the functions:
  TABLE_NAME, TOPIC_ARN, REGIONS, TASK_TYPES, ACCOUNT_ID, PROGRESS_STEP, RETENTION_DAYS,
  DISAPPEAR_AFTER_MISSES, QUOTA_WARNING_SHARE; in organization mode also ACCOUNTS, EXCLUDE_ACCOUNTS,
  QUEUE_URL, MEMBER_ROLE_NAME, POLL_INTERVAL_SECONDS
  DISAPPEAR_AFTER_MISSES, POLL_INTERVAL_SECONDS, FAST_POLL_SECONDS, STALL_AFTER; in organization
  mode also ACCOUNTS, EXCLUDE_ACCOUNTS, QUEUE_URL, MEMBER_ROLE_NAME
plus the AWS SDK's usual ones (AWS_REGION, credentials, AWS_ENDPOINT_URL_EC2, _DYNAMODB,
_DYNAMODB_STREAMS, _SNS, _SQS, _STS, _ORGANIZATIONS, _ACCOUNT, _SERVICE_QUOTAS for local engines).

Options:
  --once              one cycle, then exit
  --interval <s>      a cycle every <s> seconds until Ctrl-C
  --json              print the cycle report as JSON
  --timeout <s>       time each handler call gets, like the functions' timeout (default 60,
                      at least 3);
                      changes this process claimed but could not publish before dying are
                      free for another consumer after it

The functions' JSON logs are off on a terminal; POWERTOOLS_LOG_LEVEL=INFO (or WARN) shows them.

Exit codes: 0 every listing polled and every change delivered; 1 some listing, account or
delivery failed (the others were still done; one line per failure on stderr); 2 bad configuration.`,
  },
  status: {
    name: 'status',
    positionals: [],
    options: {
      ...HELP_OPTION,
      json: { type: 'boolean' },
      ...ACCOUNT_OPTION,
      ...STACK_OPTIONS,
      ...COLOR_OPTION,
    },
    help: `Usage: ec2-task-monitor status [--json] [--account <id>] [--stack-name <name>] [--region <region>] [--profile <profile>]

Prints the current snapshot of every task the monitor recorded, read from its DynamoDB table.

${FINDS_THE_STACK}

Options:
  --json                print the snapshots as JSON
${ACCOUNT_OPTION_HELP}
${STACK_OPTIONS_HELP}`,
  },
  accounts: {
    name: 'accounts',
    positionals: [],
    options: { ...HELP_OPTION, json: { type: 'boolean' }, ...STACK_OPTIONS, ...COLOR_OPTION },
    help: `Usage: ec2-task-monitor accounts [--json] [--stack-name <name>] [--region <region>] [--profile <profile>]

Organization mode: prints every account the monitor watches with its coverage (watched, partial,
UNMONITORED), its Regions, its last complete poll and its last failure with the error code, read
from the table's coverage items. Exits 1 when an account is unmonitored.

${FINDS_THE_STACK}

Options:
  --json                print the coverage items as JSON
${STACK_OPTIONS_HELP}`,
  },
  history: {
    name: 'history',
    positionals: ['<taskId>'],
    options: {
      ...HELP_OPTION,
      json: { type: 'boolean' },
      ...ACCOUNT_OPTION,
      ...STACK_OPTIONS,
      ...COLOR_OPTION,
    },
    help: `Usage: ec2-task-monitor history <taskId> [--json] [--account <id>] [--stack-name <name>] [--region <region>] [--profile <profile>]

Prints one task's timeline of recorded changes, oldest first, with whether each was published.

${FINDS_THE_STACK}

Options:
  --json                print the changes as JSON
${ACCOUNT_OPTION_HELP}
${STACK_OPTIONS_HELP}

Exit codes: 0 the task has recorded changes; 1 none found; 2 bad configuration.`,
  },
  redrive: {
    name: 'redrive',
    positionals: [],
    options: {
      ...HELP_OPTION,
      'dry-run': { type: 'boolean' },
      ...ACCOUNT_OPTION,
      ...STACK_OPTIONS,
      ...COLOR_OPTION,
    },
    help: `Usage: ec2-task-monitor redrive [--dry-run] [--account <id>] [--stack-name <name>] [--region <region>] [--profile <profile>]

Finds the recorded changes that were never marked published (for example a stream batch the
publisher gave up on, now in the dead-letter queue) and publishes them, oldest first, through
the publisher's handler: the same claims and marks make each go out once. Run it after fixing
what made publishing fail.

${FINDS_THE_STACK}

Options:
  --dry-run             list the unpublished changes, publish nothing
${ACCOUNT_OPTION_HELP}
${STACK_OPTIONS_HELP}

Exit codes: 0 every unpublished change published (or listed, with --dry-run); 1 the publisher
stopped on a failure (stderr says which); 2 bad configuration.`,
  },
  local: {
    name: 'local',
    positionals: [],
    options: {
      ...HELP_OPTION,
      scenario: { type: 'string', value: '<file>' },
      interval: { type: 'string', value: '<seconds>', numeric: true },
      cycles: { type: 'string', value: '<n>', numeric: true },
      'single-account': { type: 'boolean' },
      'dynamodb-port': { type: 'string', value: '<port>', numeric: true },
      'sns-port': { type: 'string', value: '<port>', numeric: true },
      'ec2-port': { type: 'string', value: '<port>', numeric: true },
      ...COLOR_OPTION,
    },
    help: `Usage: ec2-task-monitor local [options]      (what \`npm start\` runs)

Runs the whole pipeline with no AWS account: DynamoDB Local, an SNS/SQS emulator and the EC2
simulator on 127.0.0.1, the stack's table, topic and queues created from its synthesized template,
and the real handlers against a scripted scenario. By default the stack is in organization mode
(accounts=organization) and watches a local organization of four accounts (stand-ins for
Organizations, STS and Account): the deployment account runs the scenario, prod and staging have
the member role, staging has not enabled one Region, sandbox has no member role. Each cycle runs
the dispatcher, every unit through the worker, then the publisher and notifiers, and the
per-account coverage table is printed when it changed. --single-account watches the deployment
account alone with the poller. Every channel is on: Chatbot messages are read from the chat
topic, webhook posts go to a local Slack stand-in, EventBridge entries to a local stand-in. Shows
each emailed event as a subscriber reads it, one line for every other event, the status table
when it changed, and what reached each channel. Ctrl-C stops everything.

Each cycle polls once, delivers what changed, then waits --interval seconds; the scenario moves
one tick per cycle.

Options:
  --scenario <file>     scenario JSON (default: the built-in demo, devkit/ec2-simulator/scenarios/demo.json)
  --interval <seconds>  pause between the end of a cycle and the start of the next (default 3)
  --cycles <n>          stop after n cycles (default: run until Ctrl-C)
  --single-account      the deployment account alone (accounts=self), without the organization
  --dynamodb-port <p>   DynamoDB Local port (default: a free one)
  --sns-port <p>        SNS/SQS emulator port (default: a free one)
  --ec2-port <p>        EC2 simulator port (default: a free one)
  --no-color            plain output`,
  },
};
