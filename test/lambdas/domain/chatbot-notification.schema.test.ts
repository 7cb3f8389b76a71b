// The custom notification is a contract with Amazon Q Developer in chat applications (AWS Chatbot):
// a notification it does not accept is dropped, not shown. This JSON Schema writes down the
// documented structure, and every notification the real code renders from the fixtures of all
// nine task types, hostile ones included, must pass it; a dropped field or an exceeded limit must
// not. Notifications are validated as SNS carries them: JSON text, parsed.
import Ajv2020 from 'ajv/dist/2020';
import {
  CHATBOT_LIMITS,
  toChatbotNotification,
  type ChatbotNotification,
} from '../../../lambdas/domain/chatbot-notification';
import type { ChangeType } from '../../../lambdas/domain/changes';
import { buildEvent, type TaskChangeEvent } from '../../../lambdas/domain/event';
import { statusOf, TASK_TYPE_NAMES, type Task, type TaskTypeName } from '../../../lambdas/domain/task';
import { TASK_TYPES } from '../../../lambdas/task-types';
import * as bundle from '../../fixtures/ec2/bundle';
import * as conversion from '../../fixtures/ec2/conversion';
import * as exportImage from '../../fixtures/ec2/export-image';
import * as exportInstance from '../../fixtures/ec2/export-instance';
import * as importImage from '../../fixtures/ec2/import-image';
import * as importSnapshot from '../../fixtures/ec2/import-snapshot';
import * as macModification from '../../fixtures/ec2/mac-modification';
import * as replaceRootVolume from '../../fixtures/ec2/replace-root-volume';
import * as storeImage from '../../fixtures/ec2/store-image';

const SCOPE = { region: 'us-east-1', account: '123456789012' };
const detectedAt = new Date('2026-03-12T14:05:00.000Z');

/** SNS's documented maximum message size; the notification is one SNS message. */
const SNS_MAX_MESSAGE_BYTES = 256 * 1024;

/** Every raw fixture of every task type; typed by name so that a tenth task type fails to compile here. */
const FIXTURES: Record<TaskTypeName, Readonly<Record<string, unknown>>> = {
  bundle,
  conversion,
  'import-image': importImage,
  'import-snapshot': importSnapshot,
  'store-image': storeImage,
  'export-instance': exportInstance,
  'export-image': exportImage,
  'replace-root-volume': replaceRootVolume,
  'mac-modification': macModification,
};

/** Which fields a schema requires, level by level. */
interface Required {
  top: string[];
  content: string[];
  metadata: string[];
}

const strings = { type: 'array', items: { type: 'string' } } as const;

/**
 * The custom notification structure of
 * https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html ("Event schema" and
 * "Parameter details"). The page gives the complete set of fields at each level, hence
 * `additionalProperties: false` everywhere but `additionalContext`, whose keys are the sender's.
 * The maximum lengths are {@link CHATBOT_LIMITS}, which the page, as far as it could be read, does
 * not state (see the TSDoc of CHATBOT_LIMITS).
 */
function customNotificationSchema(required: Required) {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    required: required.top,
    additionalProperties: false,
    properties: {
      version: { type: 'string', const: '1.0' },
      source: { type: 'string', const: 'custom' },
      id: { type: 'string' },
      content: {
        type: 'object',
        required: required.content,
        additionalProperties: false,
        properties: {
          textType: { type: 'string', enum: ['client-markdown'] },
          title: { type: 'string', maxLength: CHATBOT_LIMITS.title },
          description: { type: 'string', minLength: 1, maxLength: CHATBOT_LIMITS.description },
          nextSteps: strings,
          keywords: strings,
        },
      },
      metadata: {
        type: 'object',
        required: required.metadata,
        additionalProperties: false,
        properties: {
          threadId: { type: 'string' },
          summary: { type: 'string' },
          eventType: { type: 'string' },
          relatedResources: strings,
          additionalContext: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
    },
  };
}

/**
 * What the page requires: `version` and `source` ("Yes" in its table), and the content with its
 * description. `textType`, `title` and `id` are "No" there. The table's `description` row could
 * not be read; a notification without a description has nothing to show, so it is required here.
 */
const DOCUMENTED_SCHEMA = customNotificationSchema({
  top: ['version', 'source', 'content'],
  content: ['description'],
  metadata: [],
});

/**
 * What this product promises on top: the text type, a title, keywords and the metadata that
 * threads a task's updates (thread id, summary, event type) are always set.
 */
const RENDERED_SCHEMA = customNotificationSchema({
  top: ['version', 'source', 'id', 'content', 'metadata'],
  content: ['textType', 'title', 'description', 'keywords'],
  metadata: ['threadId', 'summary', 'eventType'],
});

// Strict mode also lints the schemas: unknown keywords, `required` naming undefined properties.
const ajv = new Ajv2020({ strict: true, allErrors: true });
const validateDocumented = ajv.compile(DOCUMENTED_SCHEMA);
const validateRendered = ajv.compile<ChatbotNotification>(RENDERED_SCHEMA);

/** The notification as the chat service parses it off SNS: undefined fields gone, nothing but JSON. */
function onTheWire(notification: ChatbotNotification): unknown {
  return JSON.parse(JSON.stringify(notification));
}

function errorsOf(notification: unknown): string {
  if (!validateDocumented(notification)) return `documented: ${ajv.errorsText(validateDocumented.errors)}`;
  if (!validateRendered(notification)) return `rendered: ${ajv.errorsText(validateRendered.errors)}`;
  return 'valid';
}

function changeTypeOf(before: Task | null, task: Task): ChangeType {
  if (!before) return 'TaskDiscovered';
  return before.phase === task.phase ? 'TaskProgressed' : 'TaskStateChanged';
}

function eventOf(before: Task | null, task: Task, changeType = changeTypeOf(before, task)): TaskChangeEvent {
  return buildEvent({
    changeType,
    previous: before ? statusOf(before) : null,
    current: statusOf(task),
    task,
    version: 2,
    detectedAt,
  });
}

// Each fixture becomes the current snapshot; the type's first fixture plays the previous one.
const cases = TASK_TYPES.flatMap((descriptor) => {
  const raws = Object.entries(FIXTURES[descriptor.name]);
  const first = raws[0]?.[1];
  return raws.map(([fixture, raw]) => ({
    name: descriptor.name,
    fixture,
    before: descriptor.normalise(first, SCOPE),
    task: descriptor.normalise(raw, SCOPE),
  }));
});

const ONE_MB = 1024 * 1024;

/** Text a task can carry that must neither break the structure nor get past the limits. */
const HOSTILE_TEXTS: Record<string, string> = {
  'a 1 MB status message': `ClientError: ${'x'.repeat(ONE_MB)}`,
  'a channel mention': 'ClientError: <!channel> <!here> <@U012AB3CD> @here',
  'a forged link': 'ClientError: [x](http://evil) <http://evil|click here>',
  'control characters': 'ClientError: a\u0000b\u0007c\u001b[31md\r\n# e\u2028f\u0085g\u009bh\u007f',
  '1 MB of entities, emoji and backslashes': `ClientError: ${'&<>😀\\'.repeat(ONE_MB / 6)}`,
};

/** Every case with each hostile text as status message and, cut to 2,000 characters, as task id. */
const hostileCases = Object.entries(HOSTILE_TEXTS).flatMap(([label, text]) =>
  TASK_TYPES.map((descriptor) => {
    const raws = Object.values(FIXTURES[descriptor.name]);
    const before = descriptor.normalise(raws[0], SCOPE);
    const normalised = descriptor.normalise(raws.at(-1), SCOPE);
    const task: Task = {
      ...normalised,
      taskId: `${normalised.taskId} ${text.slice(0, 2000)}`,
      statusMessage: text,
    };
    return { label, name: descriptor.name, before, task };
  }),
);

describe('the custom notification schema', () => {
  it('is a valid draft 2020-12 schema, in both its documented and its rendered form', () => {
    expect(ajv.validateSchema(DOCUMENTED_SCHEMA)).toBe(true);
    expect(ajv.validateSchema(RENDERED_SCHEMA)).toBe(true);
  });

  it('is tested against fixtures of every registered task type', () => {
    expect(TASK_TYPES.map((descriptor) => descriptor.name)).toEqual([...TASK_TYPE_NAMES]);
    expect(new Set(cases.map(({ name }) => name))).toEqual(new Set(TASK_TYPE_NAMES));
  });

  it('accepts the smallest notification the page allows, which the rendered form does not', () => {
    const smallest = { version: '1.0', source: 'custom', content: { description: 'Deployed.' } };

    expect(validateDocumented(smallest)).toBe(true);
    expect(validateRendered(smallest)).toBe(false);
  });
});

describe('every rendered notification', () => {
  it.each(cases)('$name from the $fixture fixture', ({ before, task }) => {
    // Act
    const notification = toChatbotNotification(eventOf(before, task));

    // Assess
    expect(errorsOf(onTheWire(notification))).toBe('valid');
  });

  it.each(TASK_TYPE_NAMES)('%s seen for the first time', (name) => {
    const task = cases.find((candidate) => candidate.name === name)!.task;

    expect(errorsOf(onTheWire(toChatbotNotification(eventOf(null, task))))).toBe('valid');
  });

  it.each(TASK_TYPE_NAMES)('%s that disappeared', (name) => {
    const { before } = cases.find((candidate) => candidate.name === name)!;

    expect(errorsOf(onTheWire(toChatbotNotification(eventOf(before, before, 'TaskDisappeared'))))).toBe(
      'valid',
    );
  });

  describe('with hostile task text', () => {
    it.each(hostileCases)('$label, $name', ({ before, task }) => {
      // Act
      const notification = toChatbotNotification(eventOf(before, task));
      const wire = JSON.stringify(notification);

      // Assess: the structure and the limits hold, counted in UTF-16 units as well as code points.
      expect(errorsOf(JSON.parse(wire))).toBe('valid');
      expect(notification.content.title.length).toBeLessThanOrEqual(CHATBOT_LIMITS.title);
      expect(notification.content.description.length).toBeLessThanOrEqual(CHATBOT_LIMITS.description);
      expect(Buffer.byteLength(wire)).toBeLessThan(SNS_MAX_MESSAGE_BYTES);
      // Nothing a chat platform would parse as a mention or a link, and no line break of its own.
      const { title, description } = notification.content;
      const lines = [title, ...description.split('\n')];
      for (const line of lines) {
        // Outside the code spans holding ids (shown as typed), every span closed.
        expect(line.split('`').length % 2).toBe(1);
        expect(line.replace(/`[^`]*`/g, '')).not.toMatch(/<[!@]|<http|\]\(http:\/\/evil|@here/);
        expect(line).not.toMatch(/[\p{Cc}\u2028\u2029]/u);
      }
      expect(lines.length).toBeLessThanOrEqual(1 + 6);
    });
  });
});

describe('a notification that breaks the contract is rejected', () => {
  /** A realistic rendered notification, changed by `mutate`. */
  function renderedWith(mutate: (notification: ChatbotNotification) => void): unknown {
    const failed = cases.find(
      ({ name, fixture }) => name === 'import-image' && fixture === 'deletedWithClientError',
    )!;
    const notification = onTheWire(toChatbotNotification(eventOf(failed.before, failed.task)));
    mutate(notification as ChatbotNotification);
    return notification;
  }

  it('the unchanged notification is accepted', () => {
    expect(errorsOf(renderedWith(() => undefined))).toBe('valid');
  });

  it.each([
    {
      name: 'no version',
      notification: renderedWith((n) => Reflect.deleteProperty(n, 'version')),
      schema: 'documented',
      error: { instancePath: '', keyword: 'required', params: { missingProperty: 'version' } },
    },
    {
      name: 'version 2.0',
      notification: renderedWith((n) => Object.assign(n, { version: '2.0' })),
      schema: 'documented',
      error: { instancePath: '/version', keyword: 'const' },
    },
    {
      name: 'no source',
      notification: renderedWith((n) => Reflect.deleteProperty(n, 'source')),
      schema: 'documented',
      error: { instancePath: '', keyword: 'required', params: { missingProperty: 'source' } },
    },
    {
      name: 'another source',
      notification: renderedWith((n) => Object.assign(n, { source: 'aws.ec2' })),
      schema: 'documented',
      error: { instancePath: '/source', keyword: 'const' },
    },
    {
      name: 'no content',
      notification: renderedWith((n) => Reflect.deleteProperty(n, 'content')),
      schema: 'documented',
      error: { instancePath: '', keyword: 'required', params: { missingProperty: 'content' } },
    },
    {
      name: 'no description',
      notification: renderedWith((n) => Reflect.deleteProperty(n.content, 'description')),
      schema: 'documented',
      error: { instancePath: '/content', keyword: 'required', params: { missingProperty: 'description' } },
    },
    {
      name: 'another text type',
      notification: renderedWith((n) => Object.assign(n.content, { textType: 'markdown' })),
      schema: 'documented',
      error: { instancePath: '/content/textType', keyword: 'enum' },
    },
    {
      name: 'a title over the limit',
      notification: renderedWith((n) =>
        Object.assign(n.content, { title: 't'.repeat(CHATBOT_LIMITS.title + 1) }),
      ),
      schema: 'documented',
      error: { instancePath: '/content/title', keyword: 'maxLength' },
    },
    {
      name: 'a description over the limit',
      notification: renderedWith((n) =>
        Object.assign(n.content, { description: 'd'.repeat(CHATBOT_LIMITS.description + 1) }),
      ),
      schema: 'documented',
      error: { instancePath: '/content/description', keyword: 'maxLength' },
    },
    {
      name: 'a keyword that is not a string',
      notification: renderedWith((n) =>
        Object.assign(n.content, { keywords: [...(n.content.keywords ?? []), 42] }),
      ),
      schema: 'documented',
      error: { instancePath: '/content/keywords/3', keyword: 'type' },
    },
    {
      name: 'next steps given as one string',
      notification: renderedWith((n) => Object.assign(n.content, { nextSteps: 'Check the console' })),
      schema: 'documented',
      error: { instancePath: '/content/nextSteps', keyword: 'type' },
    },
    {
      name: 'an undocumented content field',
      notification: renderedWith((n) => Object.assign(n.content, { color: 'danger' })),
      schema: 'documented',
      error: { instancePath: '/content', keyword: 'additionalProperties' },
    },
    {
      name: 'an undocumented top-level field',
      notification: renderedWith((n) => Object.assign(n, { detail: {} })),
      schema: 'documented',
      error: { instancePath: '', keyword: 'additionalProperties' },
    },
    {
      name: 'a thread id that is not a string',
      notification: renderedWith((n) => Object.assign(n.metadata!, { threadId: 7 })),
      schema: 'documented',
      error: { instancePath: '/metadata/threadId', keyword: 'type' },
    },
    {
      name: 'an additional context value that is not a string',
      notification: renderedWith((n) => Object.assign(n.metadata!, { additionalContext: { progress: 42 } })),
      schema: 'documented',
      error: { instancePath: '/metadata/additionalContext/progress', keyword: 'type' },
    },
    {
      name: 'related resources given as one string',
      notification: renderedWith((n) => Object.assign(n.metadata!, { relatedResources: 's3://b/k' })),
      schema: 'documented',
      error: { instancePath: '/metadata/relatedResources', keyword: 'type' },
    },
    {
      name: 'no text type',
      notification: renderedWith((n) => Reflect.deleteProperty(n.content, 'textType')),
      schema: 'rendered',
      error: { instancePath: '/content', keyword: 'required', params: { missingProperty: 'textType' } },
    },
    {
      name: 'no title',
      notification: renderedWith((n) => Reflect.deleteProperty(n.content, 'title')),
      schema: 'rendered',
      error: { instancePath: '/content', keyword: 'required', params: { missingProperty: 'title' } },
    },
    {
      name: 'no keywords',
      notification: renderedWith((n) => Reflect.deleteProperty(n.content, 'keywords')),
      schema: 'rendered',
      error: { instancePath: '/content', keyword: 'required', params: { missingProperty: 'keywords' } },
    },
    {
      name: 'no thread id',
      notification: renderedWith((n) => Reflect.deleteProperty(n.metadata!, 'threadId')),
      schema: 'rendered',
      error: { instancePath: '/metadata', keyword: 'required', params: { missingProperty: 'threadId' } },
    },
    {
      name: 'no summary',
      notification: renderedWith((n) => Reflect.deleteProperty(n.metadata!, 'summary')),
      schema: 'rendered',
      error: { instancePath: '/metadata', keyword: 'required', params: { missingProperty: 'summary' } },
    },
    {
      name: 'no event type',
      notification: renderedWith((n) => Reflect.deleteProperty(n.metadata!, 'eventType')),
      schema: 'rendered',
      error: { instancePath: '/metadata', keyword: 'required', params: { missingProperty: 'eventType' } },
    },
    {
      name: 'no metadata',
      notification: renderedWith((n) => Reflect.deleteProperty(n, 'metadata')),
      schema: 'rendered',
      error: { instancePath: '', keyword: 'required', params: { missingProperty: 'metadata' } },
    },
  ])('$name', ({ notification, schema, error }) => {
    const validate = schema === 'documented' ? validateDocumented : validateRendered;

    expect(validate(notification)).toBe(false);
    expect(validate.errors).toContainEqual(expect.objectContaining(error));
    expect(errorsOf(notification)).not.toBe('valid');
  });
});
