// The package's main entry, for CDK apps: `import { Ec2TaskMonitor } from 'ec2-task-monitor'`. The
// construct and its props (each channel's option types among them), the stack this repository
// deploys and how it reads its settings from context, the defaults, the channel contract and
// registry, and the published event's types and vocabularies (also on their own, without the CDK,
// as `ec2-task-monitor/events`).
export { type BuiltChannel, Ec2TaskMonitor, type Ec2TaskMonitorProps } from './ec2-task-monitor';
export { Ec2TaskMonitorStack, type Ec2TaskMonitorStackProps } from './ec2-task-monitor-stack';
export { addMonitorStack, FALLBACK_REGION } from './stack-from-context';
export { STACK_NAME, STACK_OUTPUTS } from './stack-outputs';
export type { MonitorAlarmOptions } from './monitor-alarms';
export {
  DEFAULT_CHAT_FILTER_POLICY,
  DEFAULT_DISAPPEAR_AFTER_MISSES,
  DEFAULT_EMAIL_FILTER_POLICY,
  DEFAULT_PROGRESS_STEP,
  DEFAULT_QUOTA_WARNING_SHARE,
  DEFAULT_RETENTION_DAYS,
  DEFAULT_SCHEDULE,
  DEFAULT_STALL_AFTER_MINUTES,
} from './defaults';
export {
  checkContextKeys,
  type FilterPolicy,
  propsFromContext,
  settingKeys,
  SettingsError,
} from './settings';
export type {
  ChannelContext,
  ChannelDefinition,
  ChannelOutput,
  DeployedChannel,
  LocalStandIn,
  MonitorChannels,
} from './channel/channel';
export { ChannelDelivery, type ChannelDeliveryProps } from './channel/channel-delivery';
export { ChatbotClientChannel, type ChatbotClientChannelProps } from './channel/chatbot-client-channel';
export * from '../channels';
export * from '../events';
