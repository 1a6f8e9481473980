import * as z from 'zod/mini';
import { eventEnvelope, knownString } from './envelope.js';

/**
 * EC2 Auto Scaling events (source `aws.autoscaling`): lifecycle actions (the drain hook) and scaling activity
 * results, plus the SNS notification an ASG publishes (not an EventBridge event; the digest reads it).
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-event-reference.html
 */

export const ASG_SOURCE = 'aws.autoscaling';

export const ASG_LIFECYCLE_DETAIL_TYPES = ['EC2 Instance-launch Lifecycle Action', 'EC2 Instance-terminate Lifecycle Action'] as const;
export type AsgLifecycleDetailType = (typeof ASG_LIFECYCLE_DETAIL_TYPES)[number];

export const ASG_ACTIVITY_DETAIL_TYPES = [
  'EC2 Instance Launch Successful',
  'EC2 Instance Launch Unsuccessful',
  'EC2 Instance Terminate Successful',
  'EC2 Instance Terminate Unsuccessful',
] as const;
export type AsgActivityDetailType = (typeof ASG_ACTIVITY_DETAIL_TYPES)[number];

/** Where an instance comes from / goes to. Warm pools added `WarmPool`; older events carry neither field. */
export const ASG_LOCATIONS = ['AutoScalingGroup', 'EC2', 'WarmPool'] as const;
const asgLocation = knownString(ASG_LOCATIONS);

/** The only two transitions a lifecycle hook can have (PutLifecycleHook rejects others), so this one is strict. */
export const LIFECYCLE_TRANSITIONS = ['autoscaling:EC2_INSTANCE_LAUNCHING', 'autoscaling:EC2_INSTANCE_TERMINATING'] as const;
export type LifecycleTransition = (typeof LIFECYCLE_TRANSITIONS)[number];

export const asgLifecycleDetailSchema = z.lazy(() => z.looseObject({
  // Everything CompleteLifecycleAction needs is required: without it ecs-ops cannot release the instance.
  LifecycleActionToken: z.string(),
  AutoScalingGroupName: z.string(),
  LifecycleHookName: z.string(),
  EC2InstanceId: z.string(),
  LifecycleTransition: z.enum(LIFECYCLE_TRANSITIONS),
  NotificationMetadata: z.optional(z.string()),
  Origin: z.optional(asgLocation),
  Destination: z.optional(asgLocation),
}));
export type AsgLifecycleDetail = z.output<typeof asgLifecycleDetailSchema>;

export const asgLifecycleEventSchema = z.lazy(() => eventEnvelope(ASG_LIFECYCLE_DETAIL_TYPES, ASG_SOURCE, asgLifecycleDetailSchema));
export type AsgLifecycleEvent = z.output<typeof asgLifecycleEventSchema>;

/** Documented `StatusCode`s of scaling activities (the AWS API has a few more, hence a known string). */
export const ASG_ACTIVITY_STATUS_CODES = ['InProgress', 'Successful', 'Failed', 'Cancelled'] as const;

export const asgActivityDetailSchema = z.lazy(() => z.looseObject({
  AutoScalingGroupName: z.string(),
  ActivityId: z.string(),
  StatusCode: knownString(ASG_ACTIVITY_STATUS_CODES),
  /** Empty string when a launch failed before an instance existed. */
  EC2InstanceId: z.string(),
  // The rest is reporting material (digest, alerts): typed when present, never a reason to drop the event.
  // `Description` is absent from the documented unsuccessful samples.
  StatusMessage: z.optional(z.string()),
  Description: z.optional(z.string()),
  Cause: z.optional(z.string()),
  StartTime: z.optional(z.string()),
  EndTime: z.optional(z.string()),
  RequestId: z.optional(z.string()),
  Details: z.optional(
    z.looseObject({
      'Availability Zone': z.optional(z.string()),
      'Subnet ID': z.optional(z.string()),
    }),
  ),
  Origin: z.optional(asgLocation),
  Destination: z.optional(asgLocation),
}));
export type AsgActivityDetail = z.output<typeof asgActivityDetailSchema>;

export const asgActivityEventSchema = z.lazy(() => eventEnvelope(ASG_ACTIVITY_DETAIL_TYPES, ASG_SOURCE, asgActivityDetailSchema));
export type AsgActivityEvent = z.output<typeof asgActivityEventSchema>;

/**
 * True when the instance is going into (or returning to) a warm pool rather than away for good: a terminate
 * lifecycle action with `Destination: "WarmPool"` stops the instance, so ecs-ops drains it but must not treat the
 * capacity as lost.
 */
export function isWarmPoolDestination(detail: { Destination?: string | undefined }): boolean {
  return detail.Destination === 'WarmPool';
}

/** `Event` values of ASG SNS notifications. */
export const ASG_SNS_EVENTS = [
  'autoscaling:EC2_INSTANCE_LAUNCH',
  'autoscaling:EC2_INSTANCE_LAUNCH_ERROR',
  'autoscaling:EC2_INSTANCE_TERMINATE',
  'autoscaling:EC2_INSTANCE_TERMINATE_ERROR',
  'autoscaling:TEST_NOTIFICATION',
] as const;

/**
 * The JSON body (`Message`) of an SNS notification an ASG publishes for its scaling activities. Not an EventBridge
 * event: PascalCase fields, no envelope. `autoscaling:TEST_NOTIFICATION` messages carry only the identification
 * fields, so only those are required.
 */
export const asgSnsNotificationSchema = z.lazy(() => z.looseObject({
  Event: knownString(ASG_SNS_EVENTS),
  Service: z.string(),
  AutoScalingGroupName: z.string(),
  AutoScalingGroupARN: z.optional(z.string()),
  AccountId: z.optional(z.string()),
  RequestId: z.optional(z.string()),
  ActivityId: z.optional(z.string()),
  Time: z.optional(z.string()),
  StartTime: z.optional(z.string()),
  EndTime: z.optional(z.string()),
  StatusCode: z.optional(knownString(ASG_ACTIVITY_STATUS_CODES)),
  StatusMessage: z.optional(z.string()),
  Progress: z.optional(z.number()),
  Description: z.optional(z.string()),
  Cause: z.optional(z.string()),
  EC2InstanceId: z.optional(z.string()),
  Origin: z.optional(asgLocation),
  Destination: z.optional(asgLocation),
  Details: z.optional(
    z.looseObject({
      'Availability Zone': z.optional(z.string()),
      'Subnet ID': z.optional(z.string()),
      /** The CloudWatch alarms behind a policy-driven activity (what the digest quotes). */
      InvokingAlarms: z.optional(
        z.array(
          z.looseObject({
            AlarmName: z.optional(z.string()),
            AlarmArn: z.optional(z.string()),
            NewStateValue: z.optional(z.string()),
            // Trigger is CloudWatch's alarm definition, passed through as is.
            Trigger: z.optional(z.looseObject({})),
          }),
        ),
      ),
    }),
  ),
}));
export type AsgSnsNotification = z.output<typeof asgSnsNotificationSchema>;
