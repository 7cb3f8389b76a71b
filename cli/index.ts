// What the command line shares with the dev kit's local mode, which prints what a user of the
// command sees: the renderers, the status reading, the env file other shells source, the errors
// that end a command with one line and the local command's options.
export { readAccounts, renderAccounts } from './commands/accounts';
export type { LocalOptions } from './commands/local';
export { readAllSnapshots, readQuotaUses, resolveScopes, type Scope, scopeOf } from './commands/status';
export { EnvironmentError, EXIT, UsageError } from './errors';
export { claimEnvFile, type ClaimedEnvFile, type ClaimOptions } from './local-env-file';
export {
  plural,
  renderEmail,
  renderEventLine,
  renderQuotas,
  type RenderOptions,
  scenarioFinishedLine,
  statusTableWhenChanged,
} from './render';
