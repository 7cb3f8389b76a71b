// Where the package's own files are (cdk.json, the handlers' sources, package-lock.json, the dev
// kit's scripts and scenarios). Found by walking up from the running file to the package.json of
// this package, not by a fixed number of `..`: the same modules run from their TypeScript sources
// and from the CLI's bundle in dist/, at different depths.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The package's name in its package.json. */
export const PACKAGE_NAME = 'ec2-task-monitor';

/**
 * The nearest directory at or above `from` whose package.json is this package's.
 * @throws Error when there is none (the file was copied out of the package)
 */
export function findPackageRoot(from: string): string {
  for (let directory = path.resolve(from); ; directory = path.dirname(directory)) {
    const manifest = path.join(directory, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME
    )
      return directory;
    if (path.dirname(directory) === directory)
      throw new Error(`No package.json of ${PACKAGE_NAME} at or above ${from}`);
  }
}

/** Root of the package: where its package.json, cdk.json and package-lock.json are. */
export const PACKAGE_ROOT = findPackageRoot(__dirname);

/** A path inside the package, e.g. `packagePath('cdk.json')`. */
export function packagePath(...segments: string[]): string {
  return path.join(PACKAGE_ROOT, ...segments);
}
