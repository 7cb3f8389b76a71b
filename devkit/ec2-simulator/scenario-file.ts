// Why: the CLI and the local demo load scenarios from JSON files; the built-in demo is addressed
// by name so callers need not know where the tool lives.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { packagePath } from '#package-root';
import { parseScenario, type Scenario, ScenarioError } from './scenario';

/** Path of the built-in demo scenario (devkit/ec2-simulator/scenarios/demo.json). */
export const DEMO_SCENARIO_PATH = packagePath('devkit', 'ec2-simulator', 'scenarios', 'demo.json');

/**
 * Reads and validates a scenario file; `demo` names the built-in demo scenario.
 * @throws {ScenarioError} when the file is not valid JSON or not a valid scenario (the message names the file).
 */
export async function readScenarioFile(file: string): Promise<Scenario> {
  const resolved = file === 'demo' ? DEMO_SCENARIO_PATH : path.resolve(file);
  const text = await readFile(resolved, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError('(root)', `${resolved} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return parseScenario(json);
  } catch (error) {
    if (error instanceof ScenarioError)
      throw new ScenarioError(error.path, `${error.problem} (in ${resolved})`);
    throw error;
  }
}
