// Why: the Query protocol details (numbered list keys, the Region in the SigV4 scope, EC2's error
// envelope, XML escaping) are where a hand-written server silently diverges from EC2.
import { DescribeExportImageTasksCommand } from '@aws-sdk/client-ec2';
import { filterParams, listParam, regionOf } from '../../../devkit/ec2-simulator/query';
import { errorResponse, escapeXml } from '../../../devkit/ec2-simulator/xml';
import { useSimulator } from './fixtures';

describe('EC2 simulator: query parsing', () => {
  it('reads the Region from the SigV4 credential scope, or from a presigned URL, else us-east-1', () => {
    // Act
    const regions = [
      regionOf(
        {
          authorization:
            'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240101/ap-southeast-2/ec2/aws4_request, SignedHeaders=host, Signature=abc',
        },
        {},
      ),
      regionOf({}, { 'X-Amz-Credential': 'AKIAIOSFODNN7EXAMPLE/20240101/eu-central-1/ec2/aws4_request' }),
      regionOf({}, {}),
      regionOf({ authorization: 'Bearer token' }, {}),
    ];
    // Assess
    expect(regions).toEqual(['ap-southeast-2', 'eu-central-1', 'us-east-1', 'us-east-1']);
  });

  it('orders numbered list members by number, not as text, and marks them consumed', () => {
    // Prepare
    const params = {
      'BundleId.10': 'bun-10',
      'BundleId.2': 'bun-2',
      'BundleId.1': 'bun-1',
      'BundleIdX.1': 'no',
    };
    const consumed = new Set<string>();
    // Act
    const ids = listParam(params, 'BundleId', consumed);
    // Assess
    expect(ids).toEqual(['bun-1', 'bun-2', 'bun-10']);
    expect([...consumed].sort()).toEqual(['BundleId.1', 'BundleId.10', 'BundleId.2']);
  });

  it('groups Filter.N.Name / Filter.N.Value.M and refuses a filter without a name', () => {
    // Prepare
    const params = {
      'Filter.2.Name': 'bucket',
      'Filter.2.Value.1': 'amzn-s3-demo-bucket',
      'Filter.1.Name': 'task-state',
      'Filter.1.Value.2': 'Failed',
      'Filter.1.Value.1': 'InProgress',
    };
    // Act
    const filters = filterParams(params, 'Filter', new Set());
    const nameless = () => filterParams({ 'Filters.1.Value.1': 'active' }, 'Filters', new Set());
    // Assess
    expect(filters).toEqual([
      { name: 'task-state', values: ['InProgress', 'Failed'] },
      { name: 'bucket', values: ['amzn-s3-demo-bucket'] },
    ]);
    expect(nameless).toThrow('The request must contain the parameter Filters.1.Name');
  });
});

describe('EC2 simulator: XML', () => {
  it('escapes the five XML specials and carriage returns', () => {
    // Act
    const escaped = escapeXml(`a&b<c>d"e'f\rg`);
    // Assess
    expect(escaped).toBe('a&amp;b&lt;c&gt;d&quot;e&apos;f&#13;g');
  });

  it('writes the error envelope EC2 uses', () => {
    // Act
    const xml = errorResponse(
      'RequestLimitExceeded',
      'Request limit exceeded.',
      'a1b2c3d4-0000-4000-8000-000000000000',
    );
    // Assess
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>RequestLimitExceeded</Code>' +
        '<Message>Request limit exceeded.</Message></Error></Errors>' +
        '<RequestID>a1b2c3d4-0000-4000-8000-000000000000</RequestID></Response>',
    );
  });
});

describe('EC2 simulator: HTTP protocol', () => {
  const fixture = useSimulator();

  const post = async (body: string) => {
    const response = await fetch(fixture.sim.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      xml: await response.text(),
    };
  };

  it('an unknown Action is InvalidAction (400) and a missing one MissingAction (400)', async () => {
    // Act
    const unknown = await post('Action=DescribeInstances&Version=2016-11-15');
    const missing = await post('Version=2016-11-15');
    // Assess
    expect(unknown.status).toBe(400);
    expect(unknown.type).toBe('text/xml;charset=UTF-8');
    expect(unknown.xml).toContain(
      '<Code>InvalidAction</Code><Message>The action DescribeInstances is not valid for this web service.</Message>',
    );
    expect(missing.status).toBe(400);
    expect(missing.xml).toContain('<Code>MissingAction</Code>');
    expect(fixture.sim.requests.map(({ api, status, errorCode }) => ({ api, status, errorCode }))).toEqual([
      { api: 'DescribeInstances', status: 400, errorCode: 'InvalidAction' },
      { api: '', status: 400, errorCode: 'MissingAction' },
    ]);
  });

  it('a MaxResults that is not a number is InvalidParameterValue (400)', async () => {
    // Act
    const answer = await post('Action=DescribeExportImageTasks&Version=2016-11-15&MaxResults=ten');
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.xml).toContain('<Code>InvalidParameterValue</Code>');
  });

  it('strings with XML specials, line breaks, padding and non-ASCII text come back unchanged', async () => {
    // Prepare
    const messages = [
      `ClientError: disk "boot" <sda1> & 'data' failed`,
      'line 1\nline 2\r\nline 3',
      '  padded\twith tab  ',
      'Übersetzung ✓ 日本語 😀',
      '&amp; stays literal ]]>',
      '',
    ];
    messages.forEach((message, n) =>
      fixture.sim.putTask('us-east-1', 'export-image', {
        ExportImageTaskId: `export-ami-0000000000000000${n}`,
        StatusMessage: message,
      }),
    );
    // Act
    const output = await fixture.ec2.send(new DescribeExportImageTasksCommand({}));
    // Assess
    expect(output.ExportImageTasks?.map((task) => task.StatusMessage)).toEqual(messages);
  });
});
