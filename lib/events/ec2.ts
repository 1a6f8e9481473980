import * as z from 'zod/mini';
import { eventEnvelope, knownString } from './envelope.js';

/**
 * EC2 events (source `aws.ec2`) that warn ecs-ops an instance is about to go: Spot interruption warnings and
 * rebalance recommendations.
 *
 * Read the instance id from `detail["instance-id"]`, not from `resources[0]`: that ARN is not reliably shaped (real
 * events have been seen with an AZ in the region slot and no account, e.g. `arn:aws:ec2:us-east-1b:instance/i-…`).
 */

export const EC2_SOURCE = 'aws.ec2';

/** Documented `instance-action` values; the EC2 User Guide sample itself has the placeholder `"action"`. */
export const SPOT_INSTANCE_ACTIONS = ['hibernate', 'stop', 'terminate'] as const;

export const spotInterruptionDetailSchema = z.lazy(() => z.looseObject({
  'instance-id': z.string(),
  'instance-action': knownString(SPOT_INSTANCE_ACTIONS),
}));
export type SpotInterruptionDetail = z.output<typeof spotInterruptionDetailSchema>;

export const spotInterruptionEventSchema = z.lazy(() => eventEnvelope('EC2 Spot Instance Interruption Warning', EC2_SOURCE, spotInterruptionDetailSchema));
export type SpotInterruptionEvent = z.output<typeof spotInterruptionEventSchema>;

export const rebalanceRecommendationDetailSchema = z.lazy(() => z.looseObject({
  'instance-id': z.string(),
}));
export type RebalanceRecommendationDetail = z.output<typeof rebalanceRecommendationDetailSchema>;

export const rebalanceRecommendationEventSchema = z.lazy(() => eventEnvelope(
  'EC2 Instance Rebalance Recommendation',
  EC2_SOURCE,
  rebalanceRecommendationDetailSchema,
));
export type RebalanceRecommendationEvent = z.output<typeof rebalanceRecommendationEventSchema>;
