// The package's main entry, for CDK apps: `import { Ec2TaskMonitor } from 'ec2-task-monitor'`. The
// construct and its props, the stack this repository deploys, the settings' defaults and errors,
// and the published event's types and vocabularies (also on their own, without the CDK, as
// `ec2-task-monitor/events`).
export {
  Ec2TaskMonitor,
  type ChatbotOptions,
  type Ec2TaskMonitorProps,
  type SlackWebhookOptions,
} from './ec2-task-monitor';
export { Ec2TaskMonitorStack, type Ec2TaskMonitorStackProps } from './ec2-task-monitor-stack';
export type { MonitorAlarmOptions } from './monitor-alarms';
export {
  DEFAULT_CHAT_FILTER_POLICY,
  DEFAULT_EMAIL_FILTER_POLICY,
  DEFAULT_PROGRESS_STEP,
  DEFAULT_RETENTION_DAYS,
  DEFAULT_SCHEDULE,
  type EventBusChoice,
  type FilterPolicy,
  readSettings,
  SettingsError,
} from './settings';
export { addMonitorStack, FALLBACK_REGION } from './stack-from-context';
export { STACK_NAME, STACK_OUTPUTS } from './stack-outputs';
export * from '../events';
