// `ec2-task-monitor local` (npm start): the whole pipeline on local engines, no AWS account. It is
// the dev kit's (devkit/local-mode.ts), loaded only when this command runs, so the product's other
// commands never load the engines, the stand-ins or the simulator.

/** Options of the local command, as the command line gives them. */
export interface LocalOptions {
  scenario: string | undefined;
  interval: number;
  cycles: number | undefined;
  /** The stack in organization mode, watching a local organization (the default), or its own account alone. */
  organization: boolean;
  ports: { dynamodb?: number; sqs?: number; ec2?: number };
  color: boolean;
}

/** Runs the local mode; returns the exit code when stopped. */
export async function localCommand(options: LocalOptions): Promise<number> {
  const { runLocalMode } = await import('../../devkit/local-mode');
  return runLocalMode(options);
}
