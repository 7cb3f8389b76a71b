import { TASK_TYPES as PRODUCT_TASK_TYPES } from '../../../lambdas/task-types';
import { TASK_TYPES as SIMULATED_TASK_TYPES } from '../../../devkit/ec2-simulator';

describe('the simulator and the product registry', () => {
  it('serve the same task types through the same APIs', () => {
    const simulated = SIMULATED_TASK_TYPES.map((spec) => [spec.taskType, spec.api]).sort();
    const product = PRODUCT_TASK_TYPES.map((type) => [type.name, type.apiName]).sort();

    expect(simulated).toEqual(product);
  });
});
