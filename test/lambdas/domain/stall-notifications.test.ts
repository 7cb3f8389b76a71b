// Why: a stall and an estimate are told to people, so every rendering (the email, the Chatbot
// custom notification, the Slack webhook message) must say them in the same words.
import { toSlackMessage } from '../../../channels/slack-webhook/message';
import { toChatbotNotification } from '../../../lambdas/domain/chatbot-notification';
import { buildEvent } from '../../../lambdas/domain/event';
import { notificationSubject, notificationText } from '../../../lambdas/domain/notification-text';
import { statusOf } from '../../../lambdas/domain/task';
import { aTask } from '../../support/tasks';

const task = aTask({ taskId: 'import-ami-1', progress: 45 });
const since = '2026-12-02T11:10:00.000Z';
const stalled = buildEvent({
  changeType: 'TaskStalled',
  previous: { ...statusOf(task), since },
  current: { ...statusOf(task), since },
  task,
  version: 4,
  detectedAt: new Date('2026-12-02T14:20:00.000Z'),
  stall: { stillSince: since, stillForSeconds: 190 * 60 },
});
const moved = buildEvent({
  changeType: 'TaskProgressed',
  previous: { ...statusOf(task), since },
  current: { ...statusOf({ ...task, progress: 50 }), since, estimatedCompletion: '2026-12-02T15:20:00.000Z' },
  task: { ...task, progress: 50 },
  version: 5,
  detectedAt: new Date('2026-12-02T14:55:00.000Z'),
  stall: { stillSince: since, stillForSeconds: 225 * 60, stalledAt: '2026-12-02T14:20:00.000Z' },
});

/** Every text a rendering shows, joined. */
function slackText(event: typeof stalled): string {
  return JSON.stringify(toSlackMessage(event));
}

it('tells a stall with how long the task has been still', () => {
  expect(notificationSubject(stalled)).toBe(
    '[EC2 tasks] import-image import-ami-1 stalled at 45% (us-east-1)',
  );
  expect(notificationText(stalled)).toContain(
    'has not moved: its progress, state and status message are still for 3 h 10 min (since 11:10 UTC).',
  );
  const chat = toChatbotNotification(stalled);
  expect(chat.content.title).toMatch(/^:warning: .* stalled at 45%/);
  expect(chat.content.description).toContain('Stall: still for 3 h 10 min (since 11:10 UTC)');
  expect(chat.metadata?.eventType).toBe('TaskStalled');
  expect(slackText(stalled)).toContain('import-ami-1 stalled');
  expect(slackText(stalled)).toContain('still for 3 h 10 min (since 11:10 UTC)');
});

it('tells the move that ends a stall, and the estimated completion', () => {
  const email = notificationText(moved);
  expect(email).toContain('has moved on: it moved again after 3 h 45 min still.');
  expect(email).toContain('Estimate:  about 25 min left (around 15:20 UTC)');
  const chat = toChatbotNotification(moved).content.description;
  expect(chat).toContain('Estimate: about 25 min left (around 15:20 UTC)');
  expect(chat).toContain('Stall: moved again after 3 h 45 min still');
  expect(slackText(moved)).toContain('about 25 min left (around 15:20 UTC)');
  expect(slackText(moved)).toContain('moved again after 3 h 45 min still');
});
