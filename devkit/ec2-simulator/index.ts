// Why: the one import for tests, the CLI and the local demo: a simulated EC2 speaking the Query
// protocol for the nine task APIs, driven from TypeScript or over HTTP. Development tool only.
export { startEc2Simulator, Ec2Simulator } from './simulator';
export type { Ec2SimulatorOptions, RequestLogEntry } from './simulator';
export type { FaultSpec, ActiveFault } from './faults';
export type { Scenario, ScenarioTask, ScenarioStep } from './scenario';
export { DEFAULT_MINUTES_PER_TICK, ScenarioError, parseScenario } from './scenario';
export { DEMO_SCENARIO_PATH, readScenarioFile } from './scenario-file';
export type { StoredTask } from './store';
export { TaskNotFoundError } from './store';
export { TaskShapeError } from './task-validation';
export type { ApiName, TaskTypeName, SdkTask, TaskTypeSpec } from './task-types';
export { TASK_TYPES } from './task-types';
export type { Ec2ErrorCode } from './errors';
export { STATUS_BY_CODE } from './errors';
