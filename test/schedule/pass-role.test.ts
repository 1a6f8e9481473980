import { describe, expect, it } from 'vitest';
import { passRoleAdvice, passRoleDeniedRole, scheduleRoleWarnings } from '../../lib/schedule/pass-role.js';
import { ACCOUNT, configWith, scheduleWith } from './support.js';

const role = (name: string): string => `arn:aws:iam::${ACCOUNT}:role/${name}`;

describe('iam:PassRole: what config check and the runner say', () => {
  it('recognizes ECS\'s PassRole AccessDeniedException and nothing else', () => {
    const message = `User: arn:aws:sts::${ACCOUNT}:assumed-role/r/f is not authorized to perform: iam:PassRole on resource: ${role('exec')} because no identity-based policy allows the iam:PassRole action`;
    expect(passRoleDeniedRole('AccessDeniedException', message)).toBe(role('exec'));
    expect(passRoleDeniedRole('ClientException', message)).toBeUndefined();
    expect(passRoleDeniedRole('AccessDeniedException', `User: x is not authorized to perform: ecs:RunTask on resource: arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/report:3`)).toBeUndefined();
  });

  it('names the field of the task definition role that was refused, or of the one role the schedule leaves unset', () => {
    const none = scheduleWith();
    expect(passRoleAdvice(none, 2, role('exec'), { executionRoleArn: role('exec'), taskRoleArn: role('task') }).field).toBe('schedules[2].executionRoleArn');
    expect(passRoleAdvice(none, 2, role('task'), { executionRoleArn: role('exec'), taskRoleArn: role('task') }).field).toBe('schedules[2].taskRoleArn');
    // The task definition could not be read: the one role the schedule does not override.
    expect(passRoleAdvice(scheduleWith({ executionRoleArn: role('exec') }), 0, role('task'), undefined).field).toBe('schedules[0].taskRoleArn');
    // Neither known: both fields named.
    const both = passRoleAdvice(none, 0, role('x'), undefined);
    expect(both.message).toContain('set schedules[0].executionRoleArn (its execution role) or schedules[0].taskRoleArn (its task role)');
    // The config names the role, the stack does not grant it: deploy again.
    const stale = passRoleAdvice(scheduleWith({ taskRoleArn: role('task') }), 0, role('task'), undefined);
    expect(stale.field).toBeUndefined();
    expect(stale.message).toContain('The config names it (schedules[0].taskRoleArn) but the deployed stack does not grant it');
  });

  it('warns about schedules naming no role only', () => {
    const config = configWith({}, {});
    config.schedules.push({ ...config.schedules[0]!, name: 'b', executionRoleArn: role('exec') }, { ...config.schedules[0]!, name: 'c', taskRoleArn: role('task') });
    expect(scheduleRoleWarnings(config).map((w) => w.path)).toEqual([['schedules', 0]]);
    expect(scheduleRoleWarnings(config)[0]?.message).toMatch(/^schedule report names no executionRoleArn and no taskRoleArn: .* Set schedules\[0\]\.executionRoleArn/);
  });
});
