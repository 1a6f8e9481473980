/** Injected faults: the SDK's retry strategy retries throttling and 5xx, and surfaces them once out of attempts. */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { ECSClient, ListServicesCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { faultRuleFor, startAwsServer, validateFaults, type AwsServer, type FaultConfig } from '../../../sim/server/index.js';
import { SeededRandom } from '../../../sim/world/random.js';
import { CLUSTER, TOPIC_ARN, createFakeApis } from './fake-apis.js';
import { clientConfig, useServer } from './support.js';

const h = useServer({ random: new SeededRandom(42) });

afterEach(() => {
  h.server.setFaults({});
  h.server.calls.clear();
});

/** A server of its own with a fixed seed: seed 1's first two rolls are 0.00 (< 0.5: fault) and 0.53 (no fault). */
async function withSeededServer(faults: FaultConfig, run: (server: AwsServer) => Promise<void>): Promise<void> {
  const server = await startAwsServer({ apis: createFakeApis().apis, random: new SeededRandom(1), faults });
  try {
    await run(server);
  } finally {
    await server.close();
  }
}

describe('throttling', () => {
  it('JSON: rate 1 → the SDK retries, then surfaces ThrottlingException', async () => {
    h.server.setFaults({ 'ecs:ListServices': { throttleRate: 1 } });
    const error = await new ECSClient(clientConfig(h.server)).send(new ListServicesCommand({ cluster: CLUSTER })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded', $metadata: { httpStatusCode: 400, attempts: 2 } });
    expect(h.server.calls.calls).toEqual([
      expect.objectContaining({ service: 'ecs', operation: 'ListServices', status: 400, errorCode: 'ThrottlingException', injected: 'throttle' }),
      expect.objectContaining({ service: 'ecs', operation: 'ListServices', status: 400, errorCode: 'ThrottlingException', injected: 'throttle' }),
    ]);
    // Other operations are untouched.
    await new ECSClient(clientConfig(h.server)).send(new ListTasksCommand({ cluster: CLUSTER }));
  });

  it('Query (Auto Scaling, SNS): rate 1 → Throttling after the attempts', async () => {
    h.server.setFaults({ 'autoscaling:*': { throttleRate: 1 }, 'sns:Publish': { throttleRate: 1 } });
    await expect(new AutoScalingClient(clientConfig(h.server)).send(new DescribeAutoScalingGroupsCommand({}))).rejects.toMatchObject({
      name: 'Throttling',
      message: 'Rate exceeded',
      $metadata: { httpStatusCode: 400, attempts: 2 },
    });
    await expect(new SNSClient(clientConfig(h.server)).send(new PublishCommand({ TopicArn: TOPIC_ARN, Message: 'm' }))).rejects.toMatchObject({
      name: 'Throttling',
      message: 'Rate exceeded',
      $metadata: { attempts: 2 },
    });
    expect(h.server.calls.counts()).toEqual({ 'autoscaling:DescribeAutoScalingGroups': 2, 'sns:Publish': 2 });
  });

  it('the code can be overridden (SNS models its throttling as Throttled → ThrottledException)', async () => {
    h.server.setFaults({ 'sns:Publish': { throttleRate: 1, throttleCode: 'Throttled' } });
    await expect(new SNSClient(clientConfig(h.server)).send(new PublishCommand({ TopicArn: TOPIC_ARN, Message: 'm' }))).rejects.toMatchObject({
      name: 'ThrottledException',
      Error: { Code: 'Throttled' },
      $metadata: { attempts: 2 },
    });
  });

  it('rate < 1 → the SDK retries and succeeds', async () => {
    await withSeededServer({ 'ssm:GetParameter': { throttleRate: 0.5 } }, async (server) => {
      const out = await new SSMClient(clientConfig(server, 3)).send(new GetParameterCommand({ Name: '/ecs-ops/slack/ops' }));
      expect(out.Parameter?.Version).toBe(3);
      expect(out.$metadata.attempts).toBe(2);
      expect(server.calls.calls.map((c) => [c.status, c.errorCode])).toEqual([
        [400, 'ThrottlingException'],
        [200, undefined],
      ]);
    });
    await withSeededServer({ 'autoscaling:*': { throttleRate: 0.5 } }, async (server) => {
      const out = await new AutoScalingClient(clientConfig(server, 3)).send(new DescribeAutoScalingGroupsCommand({}));
      expect(out.AutoScalingGroups).toHaveLength(2);
      expect(out.$metadata.attempts).toBe(2);
    });
  });
});

describe('server errors (5xx)', () => {
  it('JSON: 503 ServiceUnavailable, retried, then surfaced', async () => {
    h.server.setFaults({ 'ecs:*': { serverErrorRate: 1 } });
    await expect(new ECSClient(clientConfig(h.server)).send(new ListTasksCommand({ cluster: CLUSTER }))).rejects.toMatchObject({
      name: 'ServiceUnavailable',
      $fault: 'server',
      $metadata: { httpStatusCode: 503, attempts: 2 },
    });
    expect(h.server.calls.count('ecs', 'ListTasks', (c) => c.injected === 'server-error')).toBe(2);
  });

  it('Query: 500 InternalFailure (Receiver), retried, then surfaced', async () => {
    h.server.setFaults({ '*': { serverErrorRate: 1, serverErrorStatus: 500 } });
    await expect(new AutoScalingClient(clientConfig(h.server)).send(new DescribeAutoScalingGroupsCommand({}))).rejects.toMatchObject({
      name: 'InternalFailure',
      $fault: 'server',
      Error: { Type: 'Receiver' },
      $metadata: { httpStatusCode: 500, attempts: 2 },
    });
  });

  it('rate < 1 → the SDK retries and succeeds', async () => {
    await withSeededServer({ '*': { serverErrorRate: 0.5 } }, async (server) => {
      const out = await new SNSClient(clientConfig(server)).send(new PublishCommand({ TopicArn: TOPIC_ARN, Message: 'm' }));
      expect(out.MessageId).toBeDefined();
      expect(out.$metadata.attempts).toBe(2);
      expect(server.calls.calls.map((c) => [c.status, c.errorCode, c.injected])).toEqual([
        [503, 'ServiceUnavailable', 'server-error'],
        [200, undefined, undefined],
      ]);
    });
  });
});

describe('client errors', () => {
  it('are not retried (the retries above come from the SDK classifying throttling and 5xx as retryable)', async () => {
    await expect(new ECSClient(clientConfig(h.server)).send(new ListServicesCommand({ cluster: 'ghost' }))).rejects.toMatchObject({
      name: 'ClusterNotFoundException',
      $metadata: { attempts: 1 },
    });
    expect(h.server.calls.count()).toBe(1);
  });
});

describe('latency', () => {
  it('adds real time, fixed or within a range', async () => {
    h.server.setFaults({ 'ssm:GetParameter': { latencyMs: 60 }, 'ssm:PutParameter': { latencyMs: [0, 1] } });
    const ssm = new SSMClient(clientConfig(h.server));
    await ssm.send(new GetParameterCommand({ Name: '/ecs-ops/slack/ops' })); // warm the connection
    const started = performance.now();
    await ssm.send(new GetParameterCommand({ Name: '/ecs-ops/slack/ops' }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });
});

describe('configuration', () => {
  it('resolves field by field, most specific key last', () => {
    const config: FaultConfig = { '*': { latencyMs: 5, throttleRate: 0.1 }, 'ecs:*': { throttleRate: 0.2 }, 'ecs:ListTasks': { serverErrorRate: 0.3 } };
    expect(faultRuleFor(config, 'ecs', 'ListTasks')).toEqual({ latencyMs: 5, throttleRate: 0.2, serverErrorRate: 0.3 });
    expect(faultRuleFor(config, 'sns', 'Publish')).toEqual({ latencyMs: 5, throttleRate: 0.1 });
  });

  it('rejects unknown services, bad rates and bad latency', () => {
    expect(() => { validateFaults({ 'ec2:*': { throttleRate: 1 } }); }).toThrow(/fault key 'ec2:\*'/);
    expect(() => { validateFaults({ ecs: { throttleRate: 1 } }); }).toThrow(/fault key 'ecs'/);
    expect(() => { validateFaults({ '*': { throttleRate: 2 } }); }).toThrow(/throttleRate must be in \[0, 1\]/);
    expect(() => { validateFaults({ '*': { latencyMs: [5, 1] } }); }).toThrow(/latencyMs/);
    expect(() => { h.server.setFaults({ 'ecs:*': { serverErrorRate: -1 } }); }).toThrow(/serverErrorRate/);
  });

  it('the same seed injects the same faults', async () => {
    const pattern = async () => {
      const server = await startAwsServer({ apis: createFakeApis().apis, random: new SeededRandom(7), faults: { '*': { throttleRate: 0.5 } } });
      try {
        const ssm = new SSMClient(clientConfig(server, 1));
        for (let i = 0; i < 8; i++) await ssm.send(new GetParameterCommand({ Name: '/ecs-ops/slack/ops' })).catch(() => undefined);
        return server.calls.calls.map((c) => c.status);
      } finally {
        await server.close();
      }
    };
    const first = await pattern();
    expect(first).toContain(400);
    expect(first).toContain(200);
    expect(await pattern()).toEqual(first);
  });
});
