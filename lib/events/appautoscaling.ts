import * as z from 'zod/mini';
import { eventEnvelope } from './envelope.js';

/**
 * Application Auto Scaling (source `aws.application-autoscaling`). Its only non-CloudTrail event is sent when a
 * scalable target reaches its maximum capacity: the "scaled to max" alert.
 * https://docs.aws.amazon.com/autoscaling/application/userguide/monitoring-eventbridge.html
 *
 * For ECS services `serviceNamespace` is `ecs` and `resourceId` is `service/<cluster>/<service>`.
 */

export const APP_AUTOSCALING_SOURCE = 'aws.application-autoscaling';

export const appAutoScalingActivityDetailSchema = z.lazy(() => z.looseObject({
  // What the alert names and compares: which target, and how far it scaled against its bounds.
  serviceNamespace: z.string(),
  resourceId: z.string(),
  scalableDimension: z.string(),
  newDesiredCapacity: z.number(),
  maxCapacity: z.number(),
  oldDesiredCapacity: z.optional(z.number()),
  minCapacity: z.optional(z.number()),
  scaledToMax: z.optional(z.boolean()),
  /** `scale-out` / `scale-in`. */
  direction: z.optional(z.string()),
  statusCode: z.optional(z.string()),
  startTime: z.optional(z.string()),
  endTime: z.optional(z.string()),
}));
export type AppAutoScalingActivityDetail = z.output<typeof appAutoScalingActivityDetailSchema>;

export const appAutoScalingActivityEventSchema = z.lazy(() => eventEnvelope(
  'Application Auto Scaling Scaling Activity State Change',
  APP_AUTOSCALING_SOURCE,
  appAutoScalingActivityDetailSchema,
));
export type AppAutoScalingActivityEvent = z.output<typeof appAutoScalingActivityEventSchema>;
