// Why: another process (the local demo, a shell with curl) drives the simulator over HTTP with the
// same operations the TypeScript API offers, as small JSON calls under /_simulator/.
import type { FaultSpec } from './faults';
import { ScenarioError } from './scenario';
import type { ControlAnswer } from './server';
import type { Ec2Simulator } from './simulator';
import { TaskNotFoundError } from './store';
import { isTaskTypeName, type SdkTask, type TaskTypeName } from './task-types';
import { TaskShapeError } from './task-validation';

/** The routes, for the 404 answer and the README. */
export const CONTROL_ROUTES = [
  'GET    /_simulator/tasks[?region=&taskType=]',
  'PUT    /_simulator/tasks                      {region, taskType, task}',
  'PATCH  /_simulator/tasks/{region}/{taskType}/{id}   patch',
  'DELETE /_simulator/tasks/{region}/{taskType}/{id}',
  'GET    /_simulator/faults',
  'POST   /_simulator/faults                     {api, region?, effect?, code?, message?, status?, times?, page?}',
  'DELETE /_simulator/faults[/{id}]',
  'POST   /_simulator/tick',
  'POST   /_simulator/scenario                   scenario JSON',
  'POST   /_simulator/reset',
  'GET    /_simulator/requests',
  'DELETE /_simulator/requests',
] as const;

/**
 * Answers one control call. `path` is relative to `/_simulator/`; `body` is parsed JSON.
 * Bad input answers 400 `{ error, path? }`; an unknown task or fault 404.
 */
export function handleControl(
  simulator: Ec2Simulator,
  method: string,
  path: string,
  query: URLSearchParams,
  body: unknown,
): ControlAnswer {
  const parts = path
    .split('/')
    .filter((part) => part !== '')
    .map(decodeURIComponent);
  const route = `${method} ${parts[0] ?? ''}`;
  try {
    switch (route) {
      case 'GET tasks': {
        const taskType = query.get('taskType') ?? undefined;
        if (taskType !== undefined && !isTaskTypeName(taskType))
          return badRequest(`unknown taskType '${taskType}'`);
        return ok({ tasks: simulator.listTasks(query.get('region') ?? undefined, taskType) });
      }
      case 'PUT tasks': {
        const { region, taskType, task } = (body ?? {}) as {
          region?: unknown;
          taskType?: unknown;
          task?: unknown;
        };
        if (!isTaskTypeName(taskType))
          return badRequest(`taskType: expected a task type name, got ${JSON.stringify(taskType)}`);
        if (typeof task !== 'object' || task === null) return badRequest('task: expected an object');
        return ok({ id: simulator.putTask(region as string, taskType, task as SdkTask) });
      }
      case 'PATCH tasks':
      case 'DELETE tasks': {
        const [, region, taskType, id] = parts;
        if (parts.length !== 4 || !region || !isTaskTypeName(taskType) || !id) {
          return badRequest('expected /_simulator/tasks/{region}/{taskType}/{id}');
        }
        if (method === 'DELETE') {
          return simulator.removeTask(region, taskType, id)
            ? { status: 204 }
            : notFound(`No ${taskType} task '${id}' in ${region}`);
        }
        return ok({
          task: simulator.updateTask(region, taskType as TaskTypeName, id, (body ?? {}) as SdkTask),
        });
      }
      case 'GET faults':
        return ok({ faults: simulator.faults });
      case 'POST faults':
        return { status: 201, body: { id: simulator.injectFault(body as FaultSpec) } };
      case 'DELETE faults':
        if (parts[1] !== undefined)
          return simulator.removeFault(parts[1]) ? { status: 204 } : notFound(`No fault '${parts[1]}'`);
        simulator.clearFaults();
        return { status: 204 };
      case 'POST tick':
        return ok({ tick: simulator.tick(), finished: simulator.scenarioFinished });
      case 'POST scenario':
        simulator.loadScenario(body);
        return ok({ tick: simulator.currentTick, tasks: simulator.listTasks().length });
      case 'POST reset':
        simulator.reset();
        return { status: 204 };
      case 'GET requests':
        return ok({ requests: simulator.requests });
      case 'DELETE requests':
        simulator.clearRequests();
        return { status: 204 };
      default:
        return {
          status: 404,
          body: { error: `no route ${method} /_simulator/${path}`, routes: CONTROL_ROUTES },
        };
    }
  } catch (error) {
    if (error instanceof TaskNotFoundError) return notFound(error.message);
    if (error instanceof ScenarioError || error instanceof TaskShapeError) {
      return { status: 400, body: { error: error.message, path: error.path } };
    }
    // Everything else the simulator throws here is a rejected input (unknown task type, bad fault).
    if (error instanceof Error) return badRequest(error.message);
    throw error;
  }
}

function ok(body: unknown): ControlAnswer {
  return { status: 200, body };
}

function badRequest(error: string): ControlAnswer {
  return { status: 400, body: { error } };
}

function notFound(error: string): ControlAnswer {
  return { status: 404, body: { error } };
}
