/**
 * Errors and the failure reasons the engine reports.
 */

/**
 * An invalid request — what ECS rejects with an InvalidParameterException (or ClientException) before placing anything:
 * too many constraints or strategies, an unknown type, a bad field, a memberOf expression that does not parse.
 */
export class PlacementValidationError extends Error {
  override readonly name = 'PlacementValidationError';
  readonly code = 'InvalidParameterException';

  constructor(
    message: string,
    /** For a memberOf expression that does not compile: the expression and the 0-based offset of the error in it. */
    readonly details: { expression?: string; position?: number } = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  get position(): number | undefined {
    return this.details.position;
  }

  get expression(): string | undefined {
    return this.details.expression;
  }
}

/**
 * ECS's failure reasons, as RunTask returns them in `failures[].reason`.
 *
 * The two constraint reasons are the strings ECS itself returns for unsatisfied constraints (reported by RunTask
 * callers, e.g. aws/amazon-ecs-agent#3044, aws-samples/amazon-chime-sdk-recording-demo#32), not `ATTRIBUTE`, which ECS
 * uses for missing `requiresAttributes`.
 */
export const FailureReason = {
  cpu: 'RESOURCE:CPU',
  memory: 'RESOURCE:MEMORY',
  gpu: 'RESOURCE:GPU',
  ports: 'RESOURCE:PORTS',
  eni: 'RESOURCE:ENI',
  attribute: 'ATTRIBUTE',
  memberOf: 'MemberOf placement constraint unsatisfied.',
  distinctInstance: 'DistinctInstance placement constraint unsatisfied.',
  agent: 'AGENT',
  noActiveInstances: 'NO ACTIVE INSTANCES',
  missing: 'MISSING',
} as const;
export type FailureReason = (typeof FailureReason)[keyof typeof FailureReason];
