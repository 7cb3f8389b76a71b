// The event's JSON Schema is a contract with consumers: every event the real code builds must
// pass it, malformed ones must not, and its vocabularies must be the TypeScript constants so the
// two cannot drift apart. Events are validated as subscribers receive them: JSON text, parsed.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import {
  CHANGE_TYPES,
  isQuotaEvent,
  isTaskChangeEvent,
  PHASES,
  QUOTA_CHANGE_TYPES,
  QUOTA_GROUP_NAMES,
  SCHEMA_VERSION,
  TASK_CHANGE_EVENT_SCHEMA,
  TASK_TYPE_NAMES,
  type TaskChangeEvent,
  type TaskTypeName,
} from '../../events';
import { diffListing } from '../../lambdas/domain/changes';
import { judgeStillTasks } from '../../lambdas/domain/stall';
import { buildEvent } from '../../lambdas/domain/event';
import { emptyQuotaState, quotaCrossings } from '../../lambdas/domain/quota';
import { toSnsMessage } from '../../lambdas/domain/sns-message';
import { statusOf, type Task } from '../../lambdas/domain/task';
import { TASK_TYPES } from '../../lambdas/task-types';
import { importImage } from '../../lambdas/task-types/import-image';
import * as bundle from '../fixtures/ec2/bundle';
import * as conversion from '../fixtures/ec2/conversion';
import * as exportImage from '../fixtures/ec2/export-image';
import * as exportInstance from '../fixtures/ec2/export-instance';
import * as importImageFixtures from '../fixtures/ec2/import-image';
import * as importSnapshot from '../fixtures/ec2/import-snapshot';
import * as macModification from '../fixtures/ec2/mac-modification';
import * as replaceRootVolume from '../fixtures/ec2/replace-root-volume';
import * as storeImage from '../fixtures/ec2/store-image';
import { stored, storedMap } from '../support/tasks';

const SCOPE = { region: 'us-east-1', account: '123456789012' };
const detectedAt = new Date('2026-03-12T14:05:00.000Z');

/** Every raw fixture of every task type; typed by name so that a tenth task type fails to compile here. */
const FIXTURES: Record<TaskTypeName, Readonly<Record<string, unknown>>> = {
  bundle,
  conversion,
  'import-image': importImageFixtures,
  'import-snapshot': importSnapshot,
  'store-image': storeImage,
  'export-instance': exportInstance,
  'export-image': exportImage,
  'replace-root-volume': replaceRootVolume,
  'mac-modification': macModification,
};

// Strict mode also lints the schema: unknown keywords, `required` naming undefined properties.
// Union types (`["integer", "null"]`) are the schema's way of saying nullable, hence allowed.
const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
addFormats(ajv);
const validate = ajv.compile<TaskChangeEvent>(TASK_CHANGE_EVENT_SCHEMA);

/** The event as a subscriber parses it off the wire: undefined fields gone, nothing but JSON. */
function onTheWire(event: TaskChangeEvent): unknown {
  return JSON.parse(JSON.stringify(event));
}

function errorsOf(event: unknown): string {
  return validate(event) ? 'valid' : ajv.errorsText(validate.errors);
}

/**
 * The realistic failure the schema's example shows: an import converting since 13:00 that died on a
 * ClientError, detected at 14:05.
 */
function failedImportEvent(): TaskChangeEvent {
  const before = importImage.normalise(importImageFixtures.converting, SCOPE);
  const task = importImage.normalise(importImageFixtures.deletedWithClientError, SCOPE);
  return buildEvent({
    changeType: 'TaskStateChanged',
    previous: { ...statusOf(before), since: '2026-03-12T13:00:00.000Z' },
    current: { ...statusOf(task), since: detectedAt.toISOString() },
    task,
    version: 4,
    detectedAt,
  });
}

describe('the task change event schema', () => {
  it('is a valid draft 2020-12 schema with its published $id', () => {
    expect(ajv.validateSchema(TASK_CHANGE_EVENT_SCHEMA)).toBe(true);
    expect(TASK_CHANGE_EVENT_SCHEMA.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(TASK_CHANGE_EVENT_SCHEMA.$id).toBe(
      'https://github.com/ec2-task-monitor/ec2-task-monitor/schema/task-change-event.schema.json',
    );
  });

  it('describes every property, since consumers read the schema as documentation', () => {
    // Walks the whole schema and lists the paths of properties without a description.
    const undocumented: string[] = [];
    const visit = (node: unknown, path: string): void => {
      if (typeof node !== 'object' || node === null) return;
      const { properties } = node as { properties?: Record<string, { description?: string }> };
      for (const [name, property] of Object.entries(properties ?? {})) {
        if (!property.description?.trim()) undocumented.push(`${path}/properties/${name}`);
      }
      for (const [key, child] of Object.entries(node)) {
        if (key !== 'examples') visit(child, `${path}/${key}`);
      }
    };

    visit(TASK_CHANGE_EVENT_SCHEMA, '#');

    expect(undocumented).toEqual([]);
  });

  it('is tested against fixtures of every registered task type', () => {
    expect(TASK_TYPES.map((descriptor) => descriptor.name)).toEqual([...TASK_TYPE_NAMES]);
    for (const descriptor of TASK_TYPES) {
      expect(Object.keys(FIXTURES[descriptor.name]).length).toBeGreaterThan(0);
    }
  });

  describe('vocabularies equal the TypeScript constants', () => {
    it('changeType', () => {
      expect(TASK_CHANGE_EVENT_SCHEMA.$defs.changeType.enum).toEqual([...CHANGE_TYPES]);
    });

    it('taskType', () => {
      expect(TASK_CHANGE_EVENT_SCHEMA.$defs.taskType.enum).toEqual([...TASK_TYPE_NAMES]);
    });

    it('phase', () => {
      expect(TASK_CHANGE_EVENT_SCHEMA.$defs.phase.enum).toEqual([...PHASES]);
    });

    it('schemaVersion', () => {
      expect(TASK_CHANGE_EVENT_SCHEMA.$defs.taskChangeEvent.properties.schemaVersion.const).toBe(
        SCHEMA_VERSION,
      );
      expect(TASK_CHANGE_EVENT_SCHEMA.$defs.quotaEvent.properties.schemaVersion.const).toBe(SCHEMA_VERSION);
    });

    it('the quota change types and groups', () => {
      expect(TASK_CHANGE_EVENT_SCHEMA.$defs.quotaChangeType.enum).toEqual([...QUOTA_CHANGE_TYPES]);
      expect(TASK_CHANGE_EVENT_SCHEMA.$defs.quota.properties.name.enum).toEqual([...QUOTA_GROUP_NAMES]);
    });
  });

  describe('quota events', () => {
    const [crossing] = quotaCrossings(emptyQuotaState(), {
      account: '123456789012',
      accountName: 'Migration factory',
      region: 'us-east-1',
      counts: new Map([['vm-image-tasks', 17]]),
      limits: new Map([['vm-image-tasks', { value: 20, source: 'service-quotas' }]]),
      share: 0.8,
      detectedAt,
    });
    const event = JSON.parse(JSON.stringify(crossing!.event)) as Record<string, unknown>;

    it('accepts the event the real code builds, which the guards recognise as a quota event only', () => {
      expect(errorsOf(event)).toBe('valid');
      expect(isQuotaEvent(event)).toBe(true);
      expect(isTaskChangeEvent(event)).toBe(false);
    });

    it('refuses one without its quota, or with a change type of a task', () => {
      const { quota: _quota, ...withoutQuota } = event;
      expect(errorsOf(withoutQuota)).not.toBe('valid');
      expect(errorsOf({ ...event, changeType: 'TaskStateChanged' })).not.toBe('valid');
    });
  });

  describe('accepts', () => {
    it('an organization-mode event that names its account, and refuses an empty name', () => {
      const named = { ...(onTheWire(failedImportEvent()) as object), accountName: 'Migration factory' };

      expect(errorsOf(named)).toBe('valid');
      expect(errorsOf({ ...named, accountName: '' })).toContain('accountName');
    });

    it('its own example', () => {
      expect(TASK_CHANGE_EVENT_SCHEMA.examples).toHaveLength(1);
      expect(errorsOf(TASK_CHANGE_EVENT_SCHEMA.examples[0])).toBe('valid');
    });

    it('an example that is exactly what buildEvent makes of the failed import fixture', () => {
      expect(TASK_CHANGE_EVENT_SCHEMA.examples[0]).toEqual(onTheWire(failedImportEvent()));
    });

    // Each fixture becomes the current snapshot; the type's first fixture plays the previous one.
    const cases = TASK_TYPES.flatMap((descriptor) => {
      const raws = Object.entries(FIXTURES[descriptor.name]);
      const first = raws[0]?.[1];
      return raws.map(([fixture, raw]) => ({ descriptor, fixture, raw, first }));
    });

    it.each(cases)('$descriptor.name event built from the $fixture fixture', ({ descriptor, raw, first }) => {
      // Prepare
      const before = descriptor.normalise(first, SCOPE);
      const task = descriptor.normalise(raw, SCOPE);
      // Act
      const event = buildEvent({
        changeType: before.phase === task.phase ? 'TaskProgressed' : 'TaskStateChanged',
        previous: statusOf(before),
        current: statusOf(task),
        task,
        version: 2,
        detectedAt,
      });
      // Assess
      expect(errorsOf(onTheWire(event))).toBe('valid');
    });

    it('an event with previous null: a task discovered on the first poll that saw it', () => {
      // Prepare
      const task = importImage.normalise(importImageFixtures.converting, SCOPE);
      const [decision] = diffListing({
        listed: [task],
        stored: new Map(),
        baseline: false,
        progressStep: 10,
        detectedAt,
      });
      if (decision?.kind !== 'change') throw new Error('expected a change');
      // Act
      const event = buildEvent({ ...decision, version: 1, detectedAt });
      // Assess
      expect(event.previous).toBeNull();
      expect(errorsOf(onTheWire(event))).toBe('valid');
    });

    it('an event whose previous status has no since: the first change of a snapshot recorded before it was kept', () => {
      // Prepare
      const before = importImage.normalise(importImageFixtures.converting, SCOPE);
      const task = importImage.normalise(importImageFixtures.deletedWithClientError, SCOPE);
      const [decision] = diffListing({
        listed: [task],
        stored: storedMap(stored(before, 3)),
        baseline: false,
        progressStep: 10,
        detectedAt,
      });
      if (decision?.kind !== 'change') throw new Error('expected a change');
      // Act
      const event = onTheWire(buildEvent({ ...decision, version: 4, detectedAt })) as TaskChangeEvent;
      // Assess
      expect(event.previous).not.toHaveProperty('since');
      expect(event.current.since).toBe(event.detectedAt);
      expect(errorsOf(event)).toBe('valid');
    });

    it('since as an optional member of a status, so events without it stay valid', () => {
      expect(Object.keys(TASK_CHANGE_EVENT_SCHEMA.$defs.taskStatus.properties)).toContain('since');
      expect(TASK_CHANGE_EVENT_SCHEMA.$defs.taskStatus.required).not.toContain('since');
      expect(Object.keys(TASK_CHANGE_EVENT_SCHEMA.$defs.task.properties)).not.toContain('since');
    });

    it('an event for a task that disappeared before finishing', () => {
      // Prepare
      const task = importImage.normalise(importImageFixtures.converting, SCOPE);
      const [decision] = diffListing({
        listed: [],
        stored: storedMap(stored(task, 3)),
        baseline: false,
        progressStep: 10,
        detectedAt,
        disappearAfterMisses: 1,
      });
      if (decision?.kind !== 'change') throw new Error('expected a change');
      // Act
      const event = buildEvent({ ...decision, version: 4, detectedAt });
      // Assess
      expect(event.changeType).toBe('TaskDisappeared');
      expect(errorsOf(onTheWire(event))).toBe('valid');
    });

    it('a TaskStalled, and the change that ends a stall with an estimated completion', () => {
      // Prepare: an import still at 28 % since 11:00, stalled at 14:05, moving again at 15:05.
      const task = importImage.normalise(importImageFixtures.converting, SCOPE);
      const since = '2026-03-12T11:00:00.000Z';
      const [stall] = judgeStillTasks({
        listed: [task],
        stored: storedMap({ ...stored(task, 3), stillSince: since, stateSince: since }),
        decided: new Set(),
        afterMinutes: 180,
        detectedAt,
      });
      if (stall?.kind !== 'change') throw new Error('expected a change');
      const moved = { ...task, progress: 60 };
      // Act
      const stalled = buildEvent({ ...stall, version: 4, detectedAt });
      const movedAgain = buildEvent({
        changeType: 'TaskProgressed',
        previous: statusOf(task),
        current: { ...statusOf(moved), since, estimatedCompletion: '2026-03-12T15:45:00Z' },
        task: moved,
        version: 5,
        detectedAt: new Date('2026-03-12T15:05:00.000Z'),
        stall: { stillSince: since, stillForSeconds: 4 * 3600 + 300, stalledAt: detectedAt.toISOString() },
      });
      // Assess
      expect(stalled.changeType).toBe('TaskStalled');
      expect(stalled.stall).toEqual({ stillSince: since, stillForSeconds: 3 * 3600 + 300 });
      expect(errorsOf(onTheWire(stalled))).toBe('valid');
      expect(errorsOf(onTheWire(movedAgain))).toBe('valid');
      const incomplete = { ...(onTheWire(movedAgain) as TaskChangeEvent), stall: { stillSince: since } };
      expect(errorsOf(incomplete)).not.toBe('valid');
    });

    it('the event body SNS delivers when the raw object was dropped to fit the message limit', () => {
      // Prepare: a raw object far beyond SNS's limit (the normalisers bound it well below).
      const normalised = importImage.normalise(importImageFixtures.converting, SCOPE);
      const task: Task = { ...normalised, raw: { ...normalised.raw, Blob: 'x'.repeat(300_000) } };
      const event = buildEvent({
        changeType: 'TaskDiscovered',
        previous: null,
        current: statusOf(task),
        task,
        version: 1,
        detectedAt,
      });
      // Act
      const { default: body } = JSON.parse(toSnsMessage(event).message) as { default: string };
      const delivered = JSON.parse(body) as TaskChangeEvent;
      // Assess
      expect(delivered.task.raw).toEqual({ _truncated: true, reason: 'too large for SNS' });
      expect(errorsOf(delivered)).toBe('valid');
    });
  });

  describe('rejects', () => {
    /** The schema's example, changed by `mutate`; each case must fail at the named place. */
    function exampleWith(mutate: (event: TaskChangeEvent) => void): unknown {
      const event = structuredClone(TASK_CHANGE_EVENT_SCHEMA.examples[0]) as TaskChangeEvent;
      mutate(event);
      return event;
    }

    it.each([
      {
        name: 'an unknown changeType',
        event: exampleWith((event) => Object.assign(event, { changeType: 'TaskExploded' })),
        error: { instancePath: '/changeType', keyword: 'enum' },
      },
      {
        name: 'progress 120',
        event: exampleWith((event) => Object.assign(event.current, { progress: 120 })),
        error: { instancePath: '/current/progress', keyword: 'maximum' },
      },
      {
        name: 'a fractional progress',
        event: exampleWith((event) => Object.assign(event.task, { progress: 42.5 })),
        error: { instancePath: '/task/progress', keyword: 'type' },
      },
      {
        name: 'a missing eventId',
        event: exampleWith((event) => Reflect.deleteProperty(event, 'eventId')),
        error: { instancePath: '', keyword: 'required', params: { missingProperty: 'eventId' } },
      },
      {
        name: 'an eventId that is not a UUID',
        event: exampleWith((event) => Object.assign(event, { eventId: 'import-ami-1234567890abcdef0#4' })),
        error: { instancePath: '/eventId', keyword: 'pattern' },
      },
      {
        name: 'an extra resource key',
        event: exampleWith((event) =>
          Object.assign(event.task.resources, { arn: 'arn:aws:s3:::my-import-bucket' }),
        ),
        error: {
          instancePath: '/task/resources',
          keyword: 'additionalProperties',
          params: { additionalProperty: 'arn' },
        },
      },
      {
        name: 'an account that is not 12 digits',
        event: exampleWith((event) => Object.assign(event, { account: '12345' })),
        error: { instancePath: '/account', keyword: 'pattern' },
      },
      {
        name: 'a detectedAt that is not a date-time',
        event: exampleWith((event) => Object.assign(event, { detectedAt: '12/03/2026 14:05' })),
        error: { instancePath: '/detectedAt', keyword: 'format' },
      },
      {
        name: 'a previous since that is not a date-time',
        event: exampleWith((event) => Object.assign(event.previous!, { since: 'an hour ago' })),
        error: { instancePath: '/previous/since', keyword: 'format' },
      },
      {
        name: 'a current since that is not a string',
        event: exampleWith((event) => Object.assign(event.current, { since: 1_773_324_300_000 })),
        error: { instancePath: '/current/since', keyword: 'type' },
      },
      {
        name: 'another schemaVersion',
        event: exampleWith((event) => Object.assign(event, { schemaVersion: '2' })),
        error: { instancePath: '/schemaVersion', keyword: 'const' },
      },
      {
        name: 'an unknown phase in the task',
        event: exampleWith((event) => Object.assign(event.task, { phase: 'exploded' })),
        error: { instancePath: '/task/phase', keyword: 'enum' },
      },
    ])('$name', ({ event, error }) => {
      expect(validate(event)).toBe(false);
      expect(validate.errors).toContainEqual(expect.objectContaining(error));
    });
  });
});
