// The build's rewrite of the SDK clients' schema modules (scripts/build.ts): with it, esbuild drops
// the EC2 shapes a function does not use; the rewritten keys are the same strings, so the bundle
// serializes a request exactly as the SDK's own module does.
import { build } from 'esbuild';
import path from 'node:path';
import { literalSchemaTraitKeys } from '../../scripts/build';

const ROOT = path.resolve(__dirname, '../..');

/** Bundles a module that lists bundle tasks with the bare EC2 client, as the functions are bundled. */
async function bundleOfOneCommand(plugins: (typeof literalSchemaTraitKeys)[]): Promise<string> {
  const result = await build({
    stdin: {
      contents:
        "import { EC2Client, DescribeBundleTasksCommand } from '@aws-sdk/client-ec2';\n" +
        'export const send = () => new EC2Client({}).send(new DescribeBundleTasksCommand({}));\n',
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    minify: true,
    write: false,
    mainFields: ['module', 'main'],
    plugins,
  });
  return result.outputFiles[0]!.text;
}

it('lets esbuild drop the EC2 shapes a function does not use, and keeps the ones it does', async () => {
  const rewritten = await bundleOfOneCommand([literalSchemaTraitKeys]);

  // A shape of another operation is gone; the operation's own output shape is there.
  expect(rewritten).not.toContain('WithdrawByoipCidrResult');
  expect(rewritten).toContain('DescribeBundleTasksResult');
  // Its traits are literal keys now (the SDK's "xmlName" of BundleTasks is bundleInstanceTasksSet).
  expect(rewritten).toMatch(/xmlName:\w+/);
  expect(rewritten.length).toBeLessThan(400_000);
}, 60_000);

it('is needed: without it the same bundle keeps every EC2 shape (drop the rewrite once this fails)', async () => {
  const plain = await bundleOfOneCommand([]);

  expect(plain).toContain('WithdrawByoipCidrResult');
}, 60_000);
