// Why: scripted lifecycles drive the demo and end-to-end tests, so ticking must move each task
// exactly one step, honour startAtTick, $hold and $remove, and a bad script must say where it is bad.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DescribeImportImageTasksCommand, DescribeImportSnapshotTasksCommand } from '@aws-sdk/client-ec2';
import { ScenarioError, type Ec2Simulator } from '../../../devkit/ec2-simulator';
import { clientFor, numberedTask, useSimulator } from './fixtures';

const DEMO_PATH = path.join(__dirname, '../../../devkit/ec2-simulator/scenarios/demo.json');

function demo(): unknown {
  return JSON.parse(readFileSync(DEMO_PATH, 'utf8'));
}

/** A scenario as plain JSON data, loosely typed so tests can break it. */
interface LooseScenario {
  description: string;
  tasks: { region: string; taskType: string; startAtTick?: number; steps: Record<string, unknown>[] }[];
}

/** Step `step` of task `task`, to mutate in a test. */
function stepOf(scenario: LooseScenario, task: number, step: number): Record<string, unknown> {
  const found = scenario.tasks[task]?.steps[step];
  if (!found) throw new Error(`no tasks[${task}].steps[${step}]`);
  return found;
}

/** A two-task scenario whose ids and steps the tests below refer to. */
function smallScenario(): LooseScenario {
  return {
    description: 'test',
    tasks: [
      {
        region: 'us-east-1',
        taskType: 'export-image',
        steps: [
          {
            ExportImageTaskId: 'export-ami-00000000000000001',
            Status: 'active',
            StatusMessage: 'validating',
            Progress: '0',
          },
          { StatusMessage: 'converting', Progress: '40', $hold: 2 },
          { Status: 'completed', StatusMessage: null, Progress: null },
          { $remove: true },
        ],
      },
      {
        region: 'eu-west-1',
        taskType: 'store-image',
        startAtTick: 2,
        steps: [
          {
            AmiId: 'ami-00000000000000001',
            TaskStartTime: '2024-05-14T09:12:31.123Z',
            ProgressPercentage: 0,
            StoreTaskState: 'InProgress',
          },
          { ProgressPercentage: 100, StoreTaskState: 'Completed' },
        ],
      },
    ],
  };
}

describe('EC2 simulator: scenarios', () => {
  const fixture = useSimulator();

  const snapshot = () =>
    fixture.sim
      .listTasks()
      .map(({ region, taskType, id, task }) => `${region} ${taskType} ${id} ${JSON.stringify(task)}`)
      .sort();

  it('each tick applies one step; startAtTick delays a task; $hold repeats a step; $remove ends it', () => {
    // Prepare
    fixture.sim.loadScenario(smallScenario());
    const exportState = () => {
      const found = fixture.sim.listTasks('us-east-1', 'export-image')[0]?.task;
      return found ? [found.Status, found.StatusMessage, found.Progress] : 'absent';
    };
    const storeState = () =>
      fixture.sim.listTasks('eu-west-1', 'store-image')[0]?.task.ProgressPercentage ?? 'absent';
    // Act
    const timeline = [{ tick: fixture.sim.currentTick, export: exportState(), store: storeState() }];
    for (let i = 0; i < 6; i += 1)
      timeline.push({ tick: fixture.sim.tick(), export: exportState(), store: storeState() });
    // Assess
    expect(timeline).toEqual([
      { tick: 0, export: ['active', 'validating', '0'], store: 'absent' },
      { tick: 1, export: ['active', 'converting', '40'], store: 'absent' },
      { tick: 2, export: ['active', 'converting', '40'], store: 0 },
      { tick: 3, export: ['completed', undefined, undefined], store: 100 },
      { tick: 4, export: 'absent', store: 100 },
      { tick: 5, export: 'absent', store: 100 },
      { tick: 6, export: 'absent', store: 100 },
    ]);
    expect(fixture.sim.scenarioFinished).toBe(true);
  });

  it('loading a scenario replaces every stored task and restarts at tick 0', () => {
    // Prepare
    fixture.sim.putTask('us-east-1', 'bundle', numberedTask('bundle', 1));
    fixture.sim.loadScenario(smallScenario());
    fixture.sim.tick();
    // Act
    fixture.sim.loadScenario(smallScenario());
    // Assess
    expect(fixture.sim.currentTick).toBe(0);
    expect(fixture.sim.listTasks().map(({ taskType, id }) => `${taskType} ${id}`)).toEqual([
      'export-image export-ami-00000000000000001',
    ]);
  });

  it('the demo scenario validates and plays its lifecycles to the end through the SDK', async () => {
    // Prepare
    fixture.sim.loadScenario(demo());
    const successfulImport = () => {
      const task = fixture.sim
        .listTasks('us-east-1', 'import-image')
        .find(({ id }) => id === 'import-ami-0e2c2d8f7a1b3c4d5')?.task;
      return `${String(task?.Status)}/${String(task?.StatusMessage ?? '')}`;
    };
    // Act
    const seen = [successfulImport()];
    let ticks = 0;
    while (!fixture.sim.scenarioFinished) {
      fixture.sim.tick();
      ticks += 1;
      if (seen[seen.length - 1] !== successfulImport()) seen.push(successfulImport());
    }
    const images = await fixture.ec2.send(new DescribeImportImageTasksCommand({}));
    const ireland = clientFor(fixture.sim, 'eu-west-1');
    const irishSnapshots = await ireland.send(new DescribeImportSnapshotTasksCommand({}));
    ireland.destroy();
    // Assess
    expect(seen).toEqual([
      'active/pending',
      'active/validating',
      'active/validated',
      'active/converting',
      'active/updating',
      'active/booting',
      'active/preparing ami',
      'completed/',
    ]);
    expect(ticks).toBeGreaterThanOrEqual(12);
    expect(ticks).toBeLessThanOrEqual(24);
    expect(images.ImportImageTasks?.map((task) => [task.ImportTaskId, task.Status, task.ImageId])).toEqual([
      ['import-ami-0e2c2d8f7a1b3c4d5', 'completed', 'ami-0b5e3f1c2d4a6b8c9'],
    ]);
    expect(irishSnapshots.ImportSnapshotTasks?.[0]?.SnapshotTaskDetail?.Status).toBe('completed');
    expect(new Set(fixture.sim.listTasks().map(({ taskType }) => taskType)).size).toBe(9);
  });

  it('the demo resolves $now in each time member to the format its API uses', () => {
    // Prepare
    const before = Date.now();
    fixture.sim.loadScenario(demo());
    // Act
    for (let i = 0; i < 10; i += 1) fixture.sim.tick();
    const task = (type: Parameters<Ec2Simulator['listTasks']>[1]) =>
      fixture.sim.listTasks('us-east-1', type)[0]?.task ?? {};
    // Assess
    const storeStart = Date.parse(String(task('store-image').TaskStartTime));
    expect(storeStart).toBeGreaterThanOrEqual(before - 1000);
    expect(storeStart).toBeLessThanOrEqual(Date.now());
    expect(task('replace-root-volume').StartTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d$/);
    expect(task('replace-root-volume').CompleteTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d$/);
    expect(task('conversion').ExpirationTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(Date.parse(String(task('conversion').ExpirationTime)) - before).toBeGreaterThan(6 * 86_400_000);
  });

  it('resolves $now against the clock it is loaded with (the local mode gives its scenario clock)', () => {
    // Prepare: a clock hours away from the system's, moved by hand.
    let now = Date.parse('2030-01-01T10:00:00.000Z');
    const scenario = { ...smallScenario(), minutesPerTick: 10 };
    stepOf(scenario, 1, 0).TaskStartTime = '$now-90s';
    // Act
    fixture.sim.loadScenario(scenario, { now: () => new Date(now) });
    now += 10 * 60_000;
    fixture.sim.tick();
    now += 10 * 60_000;
    fixture.sim.tick();
    // Assess: the store-image task appears at tick 2, twenty minutes after the start.
    const [stored] = fixture.sim.listTasks('eu-west-1', 'store-image');
    expect(stored?.task.TaskStartTime).toBe('2030-01-01T10:18:30.000Z');
  });

  it('the demo scenario says what a tick stands for: ten minutes', () => {
    expect(demo()).toMatchObject({ minutesPerTick: 10 });
  });

  type Mutation = (scenario: LooseScenario) => unknown;
  it.each<[string, Mutation, string, string]>([
    [
      'a wrongly typed member',
      (s) => (stepOf(s, 0, 1).StatusMessage = 7),
      'tasks[0].steps[1].StatusMessage',
      'expected a string, got number 7',
    ],
    [
      'a misspelt member',
      (s) => (stepOf(s, 1, 1).S3ObjectKey = 'x.bin'),
      'tasks[1].steps[1].S3ObjectKey',
      "unknown member 'S3ObjectKey' (did you mean 'S3objectKey'?)",
    ],
    [
      'a bad Region',
      (s) => (s.tasks[1]!.region = 'eu-west1'),
      'tasks[1].region',
      "expected a Region name like 'us-east-1'",
    ],
    [
      'an unknown task type',
      (s) => (s.tasks[0]!.taskType = 'export-ami'),
      'tasks[0].taskType',
      'expected a task type name, got "export-ami"',
    ],
    [
      'a first step without the id',
      (s) => delete stepOf(s, 0, 0).ExportImageTaskId,
      'tasks[0].steps[0].ExportImageTaskId',
      "the first step must set the task's id",
    ],
    [
      'a later step changing the id',
      (s) => (stepOf(s, 1, 1).TaskStartTime = '2024-06-01T00:00:00Z'),
      'tasks[1].steps[1].TaskStartTime',
      'a later step cannot change the task id',
    ],
    [
      '$remove before the last step',
      (s) => s.tasks[0]!.steps.splice(2, 0, { $remove: true }),
      'tasks[0].steps[2]',
      '$remove must be the last step',
    ],
    [
      'a zero $hold',
      (s) => (stepOf(s, 0, 1).$hold = 0),
      'tasks[0].steps[1].$hold',
      'expected a positive integer',
    ],
    [
      'an unknown directive',
      (s) => (stepOf(s, 0, 1).$wait = 2),
      'tasks[0].steps[1].$wait',
      'unknown directive',
    ],
    [
      'a bad time',
      (s) => (stepOf(s, 1, 0).TaskStartTime = 'yesterday'),
      'tasks[1].steps[0].TaskStartTime',
      'expected an ISO-8601 time or $now',
    ],
    [
      'a negative startAtTick',
      (s) => (s.tasks[1]!.startAtTick = -1),
      'tasks[1].startAtTick',
      'expected a non-negative integer',
    ],
    [
      'two tasks with one id',
      (s) => s.tasks.push({ ...s.tasks[0]!, steps: [s.tasks[0]!.steps[0]!] }),
      'tasks[2].steps[0]',
      'same task id as tasks[0]',
    ],
    [
      'an unknown top-level field',
      (s) => ((s as unknown as Record<string, unknown>).ticks = 3),
      'ticks',
      'unknown field; expected description, minutesPerTick, tasks',
    ],
    [
      'minutesPerTick of 0',
      (s) => ((s as unknown as Record<string, unknown>).minutesPerTick = 0),
      'minutesPerTick',
      'expected a number of minutes greater than 0 and at most 1440, got 0',
    ],
    [
      'minutesPerTick as text',
      (s) => ((s as unknown as Record<string, unknown>).minutesPerTick = '10'),
      'minutesPerTick',
      'expected a number of minutes greater than 0 and at most 1440, got "10"',
    ],
  ])('rejects %s, naming the path', (_case, mutate, expectedPath, problem) => {
    // Prepare
    fixture.sim.putTask('us-east-1', 'bundle', numberedTask('bundle', 1));
    const before = snapshot();
    const scenario = smallScenario();
    mutate(scenario);
    // Act
    let thrown: unknown;
    try {
      fixture.sim.loadScenario(scenario);
    } catch (error) {
      thrown = error;
    }
    // Assess
    expect(thrown).toBeInstanceOf(ScenarioError);
    expect((thrown as ScenarioError).path).toBe(expectedPath);
    expect((thrown as ScenarioError).message).toContain(`Invalid scenario: ${expectedPath}: ${problem}`);
    expect(snapshot()).toEqual(before);
  });
});
