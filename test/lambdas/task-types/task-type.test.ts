// The paginator configuration every paginated listing uses, driven through the SDK's own
// paginator without the listing's RepeatedNextTokenError guard (itemsOfPages): stopOnSameToken
// alone must end a listing whose pages keep answering the token they were asked with.
import {
  DescribeImportImageTasksCommand,
  EC2Client,
  paginateDescribeImportImageTasks,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { paginatorConfig } from '../../../lambdas/task-types/task-type';

it('stops the SDK paginator at a repeated NextToken (review finding W4)', async () => {
  const ec2 = mockClient(EC2Client);
  ec2.on(DescribeImportImageTasksCommand).resolves({ ImportImageTasks: [], NextToken: 'same' });
  const client = new EC2Client({ region: 'us-east-1' });

  let pages = 0;
  for await (const _page of paginateDescribeImportImageTasks(paginatorConfig(client), {})) {
    pages += 1;
    // Without stopOnSameToken the paginator would go on forever: stop the test, not hang it.
    if (pages === 10) break;
  }

  // The first page (no token), then the page asked with "same" that answers "same": it stops.
  expect(pages).toBe(2);
  expect(ec2.commandCalls(DescribeImportImageTasksCommand)).toHaveLength(2);
  ec2.restore();
});
