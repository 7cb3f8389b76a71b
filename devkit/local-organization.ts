// The organization the local mode shows (npm start): the Organizations, STS and Account stand-in
// with four accounts, and each member account's tasks in the EC2 simulator. The deployment
// account is one of them and runs the scenario (polled with the functions' own credentials); prod
// and staging have the member role, staging has not enabled its last Region (EC2 answers
// AuthFailure there), and sandbox has no member role yet (AssumeRole is refused). What the
// monitor makes of each is its coverage, which `ec2-task-monitor accounts` prints.
import type { Ec2Simulator } from './ec2-simulator';
import { LOCAL_ACCOUNT } from './local-deployment';
import {
  type OrganizationStandIn,
  organizationStandInEnvironment,
  startOrganizationStandIn,
  type StandInAccount,
} from './stand-ins/organization-stand-in';

/** The member role's name: the stack's default (`memberRoleName`). */
const MEMBER_ROLE = 'ec2-task-monitor-reader';

/** The local organization's accounts, by what each shows. */
export const LOCAL_ORGANIZATION = {
  monitor: { id: LOCAL_ACCOUNT, name: 'monitor' },
  prod: { id: '111111111111', name: 'prod' },
  staging: { id: '222222222222', name: 'staging' },
  sandbox: { id: '333333333333', name: 'sandbox' },
} as const;

/** A running local organization. */
export interface LocalOrganization {
  readonly standIn: OrganizationStandIn;
  /** The SDK's endpoint variables for STS, Organizations and Account. */
  readonly environment: Record<string, string>;
  /** One line per account, saying what it shows. */
  readonly description: string[];
  stop(): Promise<void>;
}

/** An import of a member account's, running. */
function runningImport(id: string, description: string): Record<string, unknown> {
  return {
    ImportTaskId: id,
    Description: description,
    Status: 'active',
    StatusMessage: 'converting',
    Progress: '40',
  };
}

/**
 * Starts the stand-in with the organization and gives the member accounts their tasks in the
 * simulator. The scenario's tasks, loaded separately, are the deployment account's.
 * @param regions the Regions the stack polls (the scenario's); staging's failing one is the last
 */
export async function startLocalOrganization(
  simulator: Ec2Simulator,
  regions: readonly string[],
): Promise<LocalOrganization> {
  const { monitor, prod, staging, sandbox } = LOCAL_ORGANIZATION;
  const [first, last] = [regions[0] as string, regions.at(-1) as string];
  const standIn = await startOrganizationStandIn();
  const accounts: StandInAccount[] = [
    monitor,
    { ...prod, roles: [MEMBER_ROLE], regions: [...regions] },
    { ...staging, roles: [MEMBER_ROLE], regions: [first] },
    // No member role: the StackSet has not reached it yet.
    { ...sandbox, regions: [...regions] },
  ];
  for (const account of accounts) standIn.putAccount(account);
  simulator.putTask(
    first,
    'import-image',
    runningImport('import-ami-0a11c0ffee0000001', 'prod: ERP database server'),
    prod.id,
  );
  simulator.putTask(
    last,
    'import-image',
    runningImport('import-ami-0a11c0ffee0000002', 'prod: reporting VM'),
    prod.id,
  );
  simulator.putTask(
    first,
    'import-image',
    runningImport('import-ami-0b22c0ffee0000001', 'staging: test runner'),
    staging.id,
  );
  // Never seen: the Region is not enabled in staging, and sandbox cannot be read without its role.
  simulator.putTask(
    last,
    'import-image',
    runningImport('import-ami-0b22c0ffee0000002', 'staging: in a Region it has not enabled'),
    staging.id,
  );
  simulator.disableRegion(staging.id, last);
  simulator.putTask(
    first,
    'import-image',
    runningImport('import-ami-0c33c0ffee0000001', 'sandbox: experiment'),
    sandbox.id,
  );
  return {
    standIn,
    environment: organizationStandInEnvironment(standIn),
    description: [
      `${monitor.name} (${monitor.id}): the deployment account, running the scenario, polled with the functions' own credentials`,
      `${prod.name} (${prod.id}): member role deployed, tasks in ${regions.join(' and ')}`,
      `${staging.name} (${staging.id}): member role deployed, ${last} not enabled (EC2 answers AuthFailure)`,
      `${sandbox.name} (${sandbox.id}): no member role yet (AssumeRole is refused)`,
    ],
    stop: () => standIn.stop(),
  };
}
