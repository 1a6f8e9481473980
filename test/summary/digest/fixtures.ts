/**
 * Real-shaped scaling activity texts (reference/summaries.md §2.1-2.3, from AWS documentation, CLI examples and field
 * reports), as plain data for the digest tests.
 */
import type { AasActivityInput, AsgActivityInput, DigestSnapshot, ServiceInput } from '../../../lib/summary/digest/model.js';

export const T0 = Date.parse('2026-01-01T08:00:00Z');
export const min = (m: number): number => T0 + m * 60_000;
export const WINDOW = { start: T0, end: min(240) };

let seq = 0;
const id = (): string => `a${String(++seq).padStart(7, '0')}-0000-4000-8000-000000000000`;

export function aas(service: string, at: number, fields: Partial<AasActivityInput> & { description: string; cause: string }, cluster = 'prod'): AasActivityInput {
  return {
    activityId: id(),
    resourceId: `service/${cluster}/${service}`,
    statusCode: 'Successful',
    statusMessage: fields.description.startsWith('Setting desired count to ')
      ? `Successfully set desired count to ${fields.description.replace(/\D/g, '')}. Change successfully fulfilled by ecs.`
      : undefined,
    startTime: at,
    endTime: at + 30_000,
    ...fields,
  };
}

/** A target tracking scale-out / scale-in as AWS writes it. */
export function targetTracking(service: string, at: number, to: number, high: boolean, cluster = 'prod'): AasActivityInput {
  return aas(
    service,
    at,
    {
      description: `Setting desired count to ${to}.`,
      cause: `monitor alarm TargetTracking-service/${cluster}/${service}-Alarm${high ? 'High' : 'Low'}-fcd80aef-5161-4890-aeb4-35dde11ff42c in state ALARM triggered policy TargetTrackingPolicy`,
    },
    cluster,
  );
}

export function scheduled(service: string, at: number, to: number, action: string): AasActivityInput {
  return aas(service, at, { description: `Setting desired count to ${to}.`, cause: `scheduled action name ${action} was triggered` });
}

export function stepScaling(service: string, at: number, to: number): AasActivityInput {
  return aas(service, at, { description: `Setting desired count to ${to}.`, cause: `monitor alarm ${service}-cpu-gt-75 in state ALARM triggered policy ${service}-cpu-gt-75` });
}

export function atMax(service: string, at: number, max: number): AasActivityInput {
  return aas(service, at, {
    description: 'Attempting to scale due to alarm triggered',
    cause: `monitor alarm ${service}-cpu-gt-75 in state ALARM triggered policy ${service}-cpu-gt-75`,
    statusCode: 'Failed',
    notScaled: [{ code: 'AlreadyAtMaxCapacity', max }],
  });
}

const iso = (t: number): string => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function asgLaunch(asg: string, at: number, from: number, to: number, why: string, instance = 'i-0a1b2c3d4e5f60718'): AsgActivityInput {
  return {
    activityId: id(),
    asg,
    description: `Launching a new EC2 instance: ${instance}`,
    cause: `At ${iso(at)} ${why} changing the desired capacity from ${from} to ${to}.  At ${iso(at + 7000)} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${from} to ${to}.`,
    statusCode: 'Successful',
    startTime: at + 7000,
    endTime: at + 60_000,
    details: '{"Subnet ID":"subnet-5ea0c127","Availability Zone":"us-east-1a"}',
  };
}

export const ECS_MANAGED_ALARM =
  'a monitor alarm TargetTracking-Infra-ECS-Cluster-prod-ECSAutoScalingGroup-1RDKYQ5ECDEWS-AlarmHigh-4d3bd4c8-8b3c-4a47-9a8b-2a0c6c0e3d1a in state ALARM triggered policy ECSManagedAutoScalingPolicy-b0b56b86-6ae1-4a6a-8b9c-2d5a0b1b6f1e';

export function asgFailedLaunch(asg: string, at: number, message: string, az = 'us-east-1b'): AsgActivityInput {
  return {
    activityId: id(),
    asg,
    description: `Launching a new EC2 instance.  Status Reason: ${message}`,
    cause: `At ${iso(at)} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 4 to 6.`,
    statusCode: 'Failed',
    statusMessage: message,
    startTime: at,
    endTime: at,
    details: JSON.stringify({ 'Subnet ID': 'subnet-0b1c2d3e', 'Availability Zone': az }),
  };
}

export const INSUFFICIENT =
  'We currently do not have sufficient m5.large capacity in the Availability Zone you requested (us-east-1b). Our system will be working on provisioning additional capacity. You can currently get m5.large capacity by not specifying an Availability Zone in your request or choosing us-east-1a, us-east-1c. Launching EC2 instance failed.';
export const VCPU_QUOTA =
  'Could not launch On-Demand Instances. VcpuLimitExceeded - You have requested more vCPU capacity than your current vCPU limit of 32 allows for the instance bucket that the specified instance type belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit. Launching EC2 instance failed.';

export function asgTerminate(asg: string, at: number, from: number, to: number, instance: string, endAfterMs: number | undefined, why?: string): AsgActivityInput {
  const prefix = why === undefined ? '' : `At ${iso(at)} ${why} changing the desired capacity from ${from} to ${to}.  `;
  return {
    activityId: id(),
    asg,
    description: `Terminating EC2 instance: ${instance}`,
    cause: `${prefix}At ${iso(at)} an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from ${from} to ${to}.  At ${iso(at)} instance ${instance} was selected for termination.`,
    statusCode: endAfterMs === undefined ? 'WaitingForTerminateLifecycleAction' : 'Successful',
    startTime: at,
    ...(endAfterMs === undefined ? {} : { endTime: at + endAfterMs }),
  };
}

export function service(name: string, desiredCount: number, runningCount: number, extra: Partial<ServiceInput> = {}): ServiceInput {
  return { name, desiredCount, runningCount, pendingCount: 0, events: [], deployments: [], ...extra };
}

export function snapshot(parts: Partial<DigestSnapshot>): DigestSnapshot {
  return { cluster: 'prod', window: WINDOW, gatheredAt: WINDOW.end + 5000, services: [], aasActivities: [], asgs: [], asgActivities: [], ops: [], region: 'us-east-1', ...parts };
}
