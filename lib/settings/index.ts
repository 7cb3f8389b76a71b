// The settings: one model for the construct's props and the stack's context.
export {
  checkContextKeys,
  closestSetting,
  type ContextSource,
  isCdkContextKey,
  propsFromContext,
  settingKeys,
} from './context';
export { type FilterPolicy, parseFilterPolicy } from './filter-policy';
export { MONITOR_SETTINGS, type MonitorSettingName, type MonitorSettingValues } from './monitor-settings';
export type { ContextKeys, Setting, SettingScope } from './setting';
export { SettingsError } from './settings-error';
