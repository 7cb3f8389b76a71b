// How a worker names its session in a member account: the member role's trust policy requires the
// prefix, and the member account's CloudTrail shows the whole name, so it says who assumed the role.

/** Prefix of every session name the workers use in member accounts. */
export const MEMBER_SESSION_PREFIX = 'ec2-task-monitor-';

/**
 * The session name: the prefix and the monitor's account id, e.g. `ec2-task-monitor-111111111111`
 * (at most 64 characters of `[\w+=,.@-]`, STS's rule).
 */
export function memberSessionName(monitorAccount: string): string {
  return `${MEMBER_SESSION_PREFIX}${monitorAccount}`.slice(0, 64);
}

/** The member role's ARN in an account. */
export function memberRoleArn(partition: string, account: string, roleName: string): string {
  return `arn:${partition}:iam::${account}:role/${roleName}`;
}
