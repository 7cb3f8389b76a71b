// A local stand-in for the two AWS APIs the command line reads a deployed stack with: CloudFormation
// DescribeStacks (the AWS Query protocol: a form-encoded POST, an XML answer) and Lambda
// GetFunctionConfiguration (REST-JSON: GET /2015-03-31/functions/{name}/configuration). The real
// SDK clients reach it through the SDK's standard endpoint variables (AWS_ENDPOINT_URL_CLOUDFORMATION,
// AWS_ENDPOINT_URL_LAMBDA), so `status --stack-name ...` runs unchanged against the local mode and in
// tests. Not product code; Node's standard library only.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, startLoopbackServer } from '../loopback-server';

/** A stack as DescribeStacks and GetFunctionConfiguration answer for it. */
export interface StandInStack {
  name: string;
  /** Output key to value. */
  outputs: Record<string, string>;
  /** Function name to its environment variables. */
  functions: Record<string, Record<string, string>>;
}

/** A running stand-in. */
export interface StackStandIn {
  /** `http://127.0.0.1:<port>`, for both services. */
  readonly endpoint: string;
  /** Creates or replaces a stack (and its functions). */
  putStack(stack: StandInStack): void;
  /** Every request received, `<service>.<operation>`, in order. */
  readonly requests: readonly string[];
  stop(): Promise<void>;
}

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const CLOUDFORMATION_NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const FUNCTION_CONFIGURATION = /^\/2015-03-31\/functions\/([^/]+)\/configuration$/;

/** Starts the stand-in on 127.0.0.1. @param port default 0 (a free one) */
export async function startStackStandIn(port = 0): Promise<StackStandIn> {
  const stacks = new Map<string, StandInStack & { id: string; created: Date }>();
  const requests: string[] = [];
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    if (body === undefined) {
      response.writeHead(413).end();
      return;
    }
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const lambdaPath = FUNCTION_CONFIGURATION.exec(url.pathname);
    if (request.method === 'GET' && lambdaPath) {
      requests.push('lambda.GetFunctionConfiguration');
      getFunctionConfiguration(decodeURIComponent(lambdaPath[1] as string), response);
      return;
    }
    const form = new URLSearchParams(body);
    if (request.method === 'POST' && url.pathname === '/' && form.get('Action') === 'DescribeStacks') {
      requests.push('cloudformation.DescribeStacks');
      describeStacks(form.get('StackName') ?? undefined, response);
      return;
    }
    sendXmlError(
      response,
      400,
      'InvalidAction',
      `The stand-in does not implement ${request.method ?? ''} ${url.pathname} ${form.get('Action') ?? ''}.`,
    );
  }

  function describeStacks(name: string | undefined, response: ServerResponse): void {
    const found =
      name === undefined
        ? [...stacks.values()]
        : [...stacks.values()].filter((stack) => stack.name === name || stack.id === name);
    if (name !== undefined && found.length === 0) {
      sendXmlError(response, 400, 'ValidationError', `Stack with id ${name} does not exist`);
      return;
    }
    const members = found
      .map(
        (stack) => `<member>
<StackName>${xml(stack.name)}</StackName>
<StackId>${xml(stack.id)}</StackId>
<CreationTime>${stack.created.toISOString()}</CreationTime>
<StackStatus>CREATE_COMPLETE</StackStatus>
<Outputs>${Object.entries(stack.outputs)
          .map(
            ([key, value]) =>
              `<member><OutputKey>${xml(key)}</OutputKey><OutputValue>${xml(value)}</OutputValue></member>`,
          )
          .join('')}</Outputs>
</member>`,
      )
      .join('');
    sendXml(
      response,
      200,
      `<DescribeStacksResponse xmlns="${CLOUDFORMATION_NS}"><DescribeStacksResult><Stacks>${members}</Stacks></DescribeStacksResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></DescribeStacksResponse>`,
    );
  }

  function getFunctionConfiguration(nameOrArn: string, response: ServerResponse): void {
    // A name, or an ARN whose last part is the name.
    const name = nameOrArn.split(':').at(-1) ?? nameOrArn;
    for (const stack of stacks.values()) {
      const variables = stack.functions[name];
      if (!variables) continue;
      sendJson(response, 200, {
        FunctionName: name,
        FunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
        State: 'Active',
        Environment: { Variables: variables },
      });
      return;
    }
    sendJson(
      response,
      404,
      { Type: 'User', Message: `Function not found: arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}` },
      'ResourceNotFoundException',
    );
  }

  const server = await startLoopbackServer(handle, {
    port,
    onError: (response, error) => sendJson(response, 500, { message: String(error) }, 'ServiceException'),
  });
  return {
    endpoint: server.url,
    requests,
    putStack(stack) {
      const existing = stacks.get(stack.name);
      stacks.set(stack.name, {
        ...stack,
        id: existing?.id ?? `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${stack.name}/${randomUUID()}`,
        created: existing?.created ?? new Date(),
      });
    },
    stop: () => server.close(),
  };
}

/** The SDK's standard endpoint variables pointing both clients at the stand-in. */
export function stackStandInEnvironment(standIn: Pick<StackStandIn, 'endpoint'>): Record<string, string> {
  return { AWS_ENDPOINT_URL_CLOUDFORMATION: standIn.endpoint, AWS_ENDPOINT_URL_LAMBDA: standIn.endpoint };
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function sendXml(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** A Query-protocol error, as CloudFormation answers a stack that does not exist. */
function sendXmlError(response: ServerResponse, status: number, code: string, message: string): void {
  sendXml(
    response,
    status,
    `<ErrorResponse xmlns="${CLOUDFORMATION_NS}"><Error><Type>Sender</Type><Code>${xml(code)}</Code><Message>${xml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
}

/** A REST-JSON answer; errors carry their type in `x-amzn-ErrorType`, as Lambda's do. */
function sendJson(response: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
    ...(errorType ? { 'x-amzn-ErrorType': errorType } : {}),
  });
  response.end(text);
}
