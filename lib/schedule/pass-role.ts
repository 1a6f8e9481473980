/**
 * iam:PassRole for scheduled runs, decided purely. RunTask passes the task role and the execution role of the task
 * definition unless the request overrides them; ecs-ops sends a schedule's configured `taskRoleArn` /
 * `executionRoleArn` as overrides and is granted iam:PassRole on those roles only (lib/deploy/schedule-wiring.ts). So a
 * role the config does not name can only be passed if the task definition has it and the schedule does not override
 * it, and RunTask then fails with AccessDeniedException. This says so before deploying (`config check`, `npm run
 * package`: schedules that leave a role to the task definition) and, at the runner's first such failure, which config
 * field to set.
 */
import type { EcsOpsConfig } from '../config/schema.js';
import type { ScheduleConfig } from './model.js';

export interface ConfigWarning {
  /** Where in the config, e.g. `['schedules', 1]` (formatted `schedules[1]`). */
  path: (string | number)[];
  message: string;
}

export type RoleField = 'taskRoleArn' | 'executionRoleArn';

const ROLE_MEANING: Record<RoleField, string> = { taskRoleArn: 'task role', executionRoleArn: 'execution role' };

/**
 * One warning per schedule that names neither `taskRoleArn` nor `executionRoleArn`: config check cannot see the task
 * definition, so it says what happens if the definition has a role. (A schedule naming one of them is taken to know
 * its task definition; if the other is needed after all, the runner's first failure says so.)
 */
export function scheduleRoleWarnings(config: EcsOpsConfig): ConfigWarning[] {
  return config.schedules.flatMap((schedule, index) => {
    if (schedule.taskRoleArn !== undefined || schedule.executionRoleArn !== undefined) return [];
    const path = `schedules[${index}]`;
    return [
      {
        path: ['schedules', index],
        message:
          `schedule ${schedule.name} names no executionRoleArn and no taskRoleArn: if task definition ${schedule.taskDefinition} has an execution role ` +
          `(every Fargate task has one, as does any task logging to CloudWatch or pulling from private ECR) or a task role, RunTask passes it and fails ` +
          `with AccessDeniedException on iam:PassRole, as ecs-ops may pass only the roles the config names. Set ${path}.executionRoleArn ` +
          `(and ${path}.taskRoleArn) to the roles the task definition has: ecs-ops then passes them as RunTask overrides and is granted iam:PassRole on them.`,
      },
    ];
  });
}

/** The role ARN of an `iam:PassRole` AccessDeniedException message, if that is what it is. */
export function passRoleDeniedRole(errorName: string, message: string): string | undefined {
  if (errorName !== 'AccessDeniedException') return undefined;
  // "User: arn:aws:sts::…:assumed-role/… is not authorized to perform: iam:PassRole on resource: arn:aws:iam::…:role/x
  //  because no identity-based policy allows the iam:PassRole action"
  return /not authorized to perform: iam:PassRole on resource: (arn:[^\s"]+)/.exec(message)?.[1];
}

export interface PassRoleAdvice {
  /** The config field to set (`schedules[i].executionRoleArn`), or undefined when the config already names the role. */
  field: string | undefined;
  message: string;
}

/**
 * What to tell the operator when RunTask for `schedule` (at `index` in `schedules`) was refused iam:PassRole on
 * `deniedRole`. `taskDefinitionRoles` are the roles of the task definition RunTask used, when they could be read.
 */
export function passRoleAdvice(schedule: ScheduleConfig, index: number, deniedRole: string, taskDefinitionRoles: { taskRoleArn?: string | undefined; executionRoleArn?: string | undefined } | undefined): PassRoleAdvice {
  const path = `schedules[${index}]`;
  const head = `RunTask refused to start ${schedule.name}: ecs-ops may not pass role ${deniedRole} (iam:PassRole).`;
  const configured = (['executionRoleArn', 'taskRoleArn'] as const).find((f) => schedule[f] === deniedRole);
  if (configured !== undefined) {
    return {
      field: undefined,
      message: `${head} The config names it (${path}.${configured}) but the deployed stack does not grant it: deploy the config again (npm run deploy).`,
    };
  }
  const byDefinition = (['executionRoleArn', 'taskRoleArn'] as const).find((f) => taskDefinitionRoles?.[f] === deniedRole);
  const unset = (['executionRoleArn', 'taskRoleArn'] as const).filter((f) => schedule[f] === undefined);
  const field: RoleField | undefined = byDefinition ?? (unset.length === 1 ? unset[0] : undefined);
  if (field !== undefined) {
    const whose = byDefinition !== undefined ? `It is the ${ROLE_MEANING[field]} of task definition ${schedule.taskDefinition}` : `It is the task definition's role the schedule does not override`;
    return {
      field: `${path}.${field}`,
      message: `${head} ${whose}: set ${path}.${field}: ${deniedRole} in the config and deploy again; ecs-ops then passes it as a RunTask override and is granted iam:PassRole on it (to ecs-tasks.amazonaws.com only).`,
    };
  }
  return {
    field: `${path}.executionRoleArn or ${path}.taskRoleArn`,
    message:
      `${head} It is a role of task definition ${schedule.taskDefinition}: set ${path}.executionRoleArn (its execution role) or ${path}.taskRoleArn ` +
      `(its task role) to ${deniedRole} in the config and deploy again; ecs-ops then passes it as a RunTask override and is granted iam:PassRole on it.`,
  };
}
