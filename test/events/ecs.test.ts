import { describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import {
  clusterNameFromArn,
  ecsContainerInstanceStateChangeEventSchema,
  ecsDeploymentStateChangeEventSchema,
  ecsServiceActionEventSchema,
  ecsTaskStateChangeEventSchema,
  isCircuitBreakerRollback,
  parseEvent,
  serviceFromArn,
  serviceOfEvent,
} from '../../lib/events/index.js';
import { deletePath, fixture, setPath } from './support.js';

function parsed<S extends z.ZodMiniType>(schema: S, name: string): z.output<S> {
  const result = parseEvent(schema, fixture(name));
  if (!result.ok) throw result.error;
  return result.event;
}

/** The error message of parsing `input`, failing the test if it parsed. */
function errorOf(schema: z.ZodMiniType, input: unknown): string {
  const result = parseEvent(schema, input);
  if (result.ok) throw new Error('expected a parse failure');
  return result.error.message;
}

describe('ECS Task State Change', () => {
  it('reads a stopped task and its container exit codes', () => {
    const { detail } = parsed(ecsTaskStateChangeEventSchema, 'ecs-task-state-change-stopped');
    expect([detail.lastStatus, detail.desiredStatus, detail.stopCode]).toEqual(['STOPPED', 'STOPPED', 'UserInitiated']);
    expect(detail.containers?.map((c) => [c.name, c.exitCode])).toEqual([['Webapp', 0]]);
    expect(detail.version).toBe(7);
    expect(detail.group).toBe('service:Webapp');
    expect(clusterNameFromArn(detail.clusterArn)).toBe('Features');
  });

  it('has exit codes of stopped containers while the task still runs', () => {
    const { detail } = parsed(ecsTaskStateChangeEventSchema, 'ecs-task-state-change-container-exitcode-ecsdocs-2020');
    expect(detail.lastStatus).toBe('RUNNING');
    expect(detail.containers?.[0]).toMatchObject({ name: 'xray', lastStatus: 'STOPPED', exitCode: 0 });
  });

  it('accepts the "null" cpu string AWS prints for sidecars', () => {
    const { detail } = parsed(ecsTaskStateChangeEventSchema, 'ecs-task-state-change-running-fargate-2025');
    expect(detail.containers?.map((c) => c.cpu)).toEqual(['99', 'null', '0']);
    expect(detail.containers?.every((c) => c.exitCode === undefined)).toBe(true);
    expect(detail.capacityProviderName).toBe('FARGATE');
    expect(detail.attributes).toEqual([{ name: 'ecs.cpu-architecture', value: 'x86_64' }]);
  });

  it('reads the EC2 capacity provider task', () => {
    const { detail } = parsed(ecsTaskStateChangeEventSchema, 'ecs-task-state-change-running-ec2-capacity-provider-2025');
    expect(detail.launchType).toBe('EC2');
    expect(detail.containerInstanceArn).toMatch(/container-instance\/example\//);
    expect(detail.attachments?.[0]?.details?.find((d) => d.name === 'privateIPv4Address')?.value).toBe('10.0.1.37');
  });

  it('accepts the truncated Fargate Spot termination notice (no time, region, version, containers)', () => {
    const event = parsed(ecsTaskStateChangeEventSchema, 'ecs-task-state-change-fargate-spot-termination-notice');
    expect(event.time).toBeUndefined();
    expect(event.region).toBeUndefined();
    expect(event.detail).toMatchObject({ desiredStatus: 'STOPPED', lastStatus: 'RUNNING', stopCode: 'TerminationNotice' });
    expect(event.detail.version).toBeUndefined();
    expect(event.detail.containers).toBeUndefined();
  });

  it.each(['taskArn', 'clusterArn', 'lastStatus', 'desiredStatus', 'createdAt'])('fails without detail.%s, naming it', (field) => {
    const input = fixture('ecs-task-state-change-stopped');
    deletePath(input, `detail.${field}`);
    expect(errorOf(ecsTaskStateChangeEventSchema, input)).toContain(`detail.${field}: expected string, received undefined`);
  });

  it('fails on a mistyped version', () => {
    const input = fixture('ecs-task-state-change-stopped');
    setPath(input, 'detail.version', '7');
    expect(errorOf(ecsTaskStateChangeEventSchema, input)).toContain('detail.version: expected number, received string');
  });

  it('names nested container paths', () => {
    const input = fixture('ecs-task-state-change-running-fargate-2025');
    deletePath(input, 'detail.containers[0].lastStatus');
    setPath(input, 'detail.containers[2].exitCode', '137');
    const message = errorOf(ecsTaskStateChangeEventSchema, input);
    expect(message).toContain('detail.containers[0].lastStatus: expected string, received undefined');
    expect(message).toContain('detail.containers[2].exitCode: expected number, received string');
  });

  it.each(['containerArn', 'name'])('fails without detail.containers[0].%s', (field) => {
    const input = fixture('ecs-task-state-change-stopped');
    deletePath(input, `detail.containers[0].${field}`);
    expect(errorOf(ecsTaskStateChangeEventSchema, input)).toContain(`detail.containers[0].${field}: expected string, received undefined`);
  });

  it('fails when containers is not an array', () => {
    const input = fixture('ecs-task-state-change-stopped');
    setPath(input, 'detail.containers', {});
    expect(errorOf(ecsTaskStateChangeEventSchema, input)).toContain('detail.containers: expected array, received object');
  });
});

describe('ECS Container Instance State Change', () => {
  it('reads the fields the drain and placement logic use', () => {
    const { detail } = parsed(ecsContainerInstanceStateChangeEventSchema, 'ecs-container-instance-state-change');
    expect(detail.ec2InstanceId).toBe('i-f3a8506b');
    expect(detail.status).toBe('ACTIVE');
    expect(detail.agentConnected).toBe(true);
    expect(detail.version).toBe(14801);
    expect(detail.versionInfo.agentVersion).toBe('1.13.0');
    expect(detail.remainingResources.find((r) => r.name === 'CPU')?.integerValue).toBe(1988);
    expect(detail.registeredResources.find((r) => r.name === 'PORTS')?.stringSetValue).toContain('22');
    expect(detail.attributes[0]).toEqual({ name: 'com.amazonaws.ecs.capability.logging-driver.syslog' });
    expect(detail.runningTasksCount).toBeUndefined();
  });

  it.each([
    ['detail.containerInstanceArn', 'expected string, received undefined'],
    ['detail.clusterArn', 'expected string, received undefined'],
    ['detail.ec2InstanceId', 'expected string, received undefined'],
    ['detail.status', 'expected string, received undefined'],
    ['detail.version', 'expected number, received undefined'],
    ['detail.agentConnected', 'expected boolean, received undefined'],
    ['detail.versionInfo.agentVersion', 'expected string, received undefined'],
    ['detail.remainingResources[1].name', 'expected string, received undefined'],
  ])('fails without %s', (path, message) => {
    const input = fixture('ecs-container-instance-state-change');
    deletePath(input, path);
    expect(errorOf(ecsContainerInstanceStateChangeEventSchema, input)).toContain(`${path}: ${message}`);
  });

  it('fails on a mistyped resource value', () => {
    const input = fixture('ecs-container-instance-state-change');
    setPath(input, 'detail.registeredResources[0].integerValue', '2048');
    expect(errorOf(ecsContainerInstanceStateChangeEventSchema, input)).toContain(
      'detail.registeredResources[0].integerValue: expected number, received string',
    );
  });
});

describe('ECS Service Action', () => {
  it('names the service from resources[0]', () => {
    const event = parsed(ecsServiceActionEventSchema, 'ecs-service-action-placement-failure-ec2-cpu');
    expect(serviceOfEvent(event)).toEqual({ cluster: 'default', service: 'servicetest' });
    expect(event.detail.eventType).toBe('ERROR');
    expect(event.detail.reason).toBe('RESOURCE:CPU');
    expect(event.detail.containerInstanceArns).toHaveLength(1);
  });

  it('reads the Fargate Spot placement failure', () => {
    const { detail } = parsed(ecsServiceActionEventSchema, 'ecs-service-action-placement-failure-fargate-spot');
    expect(detail.reason).toBe('RESOURCE:FARGATE');
    expect(detail.capacityProviderArns?.[0]).toMatch(/capacity-provider\/FARGATE_SPOT$/);
  });

  it('falls back to detail service fields and the cluster ARN when resources has no service ARN', () => {
    const event = parsed(ecsServiceActionEventSchema, 'ecs-service-action-steady-state');
    expect(serviceOfEvent({ ...event, resources: [], detail: { ...event.detail, serviceName: 'web' } })).toEqual({ cluster: 'default', service: 'web' });
    expect(serviceOfEvent({ ...event, resources: ['arn:aws:ecs:us-west-2:111122223333:service/legacy'] })).toEqual({ cluster: 'default', service: 'legacy' });
    expect(serviceOfEvent({ ...event, resources: [] })).toBeUndefined();
  });

  it.each(['eventType', 'eventName', 'clusterArn'])('fails without detail.%s, naming it', (field) => {
    const input = fixture('ecs-service-action-task-start-impaired');
    deletePath(input, `detail.${field}`);
    expect(errorOf(ecsServiceActionEventSchema, input)).toContain(`detail.${field}: expected`);
  });

  it('rejects an eventType outside INFO/WARN/ERROR', () => {
    const input = fixture('ecs-service-action-task-start-impaired');
    setPath(input, 'detail.eventType', 'WARNING');
    expect(errorOf(ecsServiceActionEventSchema, input)).toContain('detail.eventType: expected one of "INFO" | "WARN" | "ERROR", received "WARNING"');
  });

  it('accepts an eventName it does not know yet', () => {
    const input = fixture('ecs-service-action-task-start-impaired');
    setPath(input, 'detail.eventName', 'SERVICE_SOMETHING_NEW');
    expect(parseEvent(ecsServiceActionEventSchema, input).ok).toBe(true);
  });
});

describe('ECS Deployment State Change', () => {
  it('recognizes the circuit-breaker rollback', () => {
    const rollback = parsed(ecsDeploymentStateChangeEventSchema, 'ecs-deployment-in-progress-rollback');
    expect(isCircuitBreakerRollback(rollback.detail)).toBe(true);
    expect(rollback.detail.eventName).toBe('SERVICE_DEPLOYMENT_IN_PROGRESS');
    for (const name of ['ecs-deployment-in-progress', 'ecs-deployment-completed', 'ecs-deployment-failed']) {
      expect(isCircuitBreakerRollback(parsed(ecsDeploymentStateChangeEventSchema, name).detail)).toBe(false);
    }
    expect(isCircuitBreakerRollback({})).toBe(false);
  });

  it('reads the failed deployment and its service', () => {
    const event = parsed(ecsDeploymentStateChangeEventSchema, 'ecs-deployment-failed');
    expect(event.detail).toMatchObject({ eventType: 'ERROR', eventName: 'SERVICE_DEPLOYMENT_FAILED', deploymentId: 'ecs-svc/123' });
    expect(serviceOfEvent(event)).toEqual({ cluster: 'default', service: 'servicetest' });
  });

  it.each(['eventType', 'eventName', 'deploymentId', 'updatedAt'])('fails without detail.%s, naming it', (field) => {
    const input = fixture('ecs-deployment-failed');
    deletePath(input, `detail.${field}`);
    expect(errorOf(ecsDeploymentStateChangeEventSchema, input)).toContain(`detail.${field}: expected`);
  });

  it('fails on a mistyped reason', () => {
    const input = fixture('ecs-deployment-failed');
    setPath(input, 'detail.reason', { text: 'x' });
    expect(errorOf(ecsDeploymentStateChangeEventSchema, input)).toContain('detail.reason: expected string, received object');
  });
});

describe('ARN helpers', () => {
  it('parses service ARNs, new and old format', () => {
    expect(serviceFromArn('arn:aws:ecs:us-west-2:111122223333:service/default/servicetest')).toEqual({ cluster: 'default', service: 'servicetest' });
    expect(serviceFromArn('arn:aws:ecs:us-west-2:111122223333:service/servicetest')).toEqual({ cluster: undefined, service: 'servicetest' });
    expect(serviceFromArn('arn:aws-cn:ecs:cn-north-1:111122223333:service/c/s')).toEqual({ cluster: 'c', service: 's' });
  });

  it.each([
    'arn:aws:ecs:us-west-2:111122223333:cluster/default',
    'arn:aws:ecs:us-west-2:111122223333:service/',
    'arn:aws:ecs:us-west-2:111122223333:service/a/b/c',
    'arn:aws:ecs:us-west-2:111122223333:service//b',
    'arn:aws:ec2:us-west-2:111122223333:service/a/b',
    'servicetest',
    '',
  ])('returns undefined for %j', (arn) => {
    expect(serviceFromArn(arn)).toBeUndefined();
  });

  it('reads cluster names from cluster and new-format resource ARNs', () => {
    expect(clusterNameFromArn('arn:aws:ecs:us-east-1:111122223333:cluster/default')).toBe('default');
    expect(clusterNameFromArn('arn:aws:ecs:us-east-1:123456789012:task/example-cluster/a1173316d40a45dea9')).toBe('example-cluster');
    expect(clusterNameFromArn('arn:aws:ecs:eu-west-1:0123456789:container-instance/Features/0c304770a74540689f5bf39622b3d781')).toBe('Features');
    expect(clusterNameFromArn('arn:aws:ecs:us-west-2:111122223333:service/default/servicetest')).toBe('default');
    // Old formats do not name the cluster.
    expect(clusterNameFromArn('arn:aws:ecs:us-east-1:111122223333:task/b99d40b3-5176-4f71-9a52-9dbd6f1cebef')).toBeUndefined();
    expect(clusterNameFromArn('arn:aws:ecs:us-east-1:111122223333:container/3305bea1-bd16-4217-803d-3e0482170a17')).toBeUndefined();
    expect(clusterNameFromArn('arn:aws:ecs:us-west-2:111122223333:capacity-provider/FARGATE_SPOT')).toBeUndefined();
    expect(clusterNameFromArn('default')).toBeUndefined();
  });
});
