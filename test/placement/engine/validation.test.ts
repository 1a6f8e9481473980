import { describe, expect, it } from 'vitest';
import type { PlacementConstraint, PlacementStrategy } from '../../../lib/placement/model.js';
import { place, PlacementValidationError, type CompileExpression, type PlaceRequest } from '../../../lib/placement/engine/index.js';
import { QuerySyntaxError } from '../../../lib/placement/query/index.js';
import { instance, stubCompile, taskDefinition } from './helpers.js';

function base(overrides: Partial<PlaceRequest> = {}): PlaceRequest {
  return { instances: [instance({ id: 'i-a', az: 'a' })], taskDefinition: taskDefinition(), ...overrides };
}

function error(request: PlaceRequest, compile: CompileExpression | 'default' = stubCompile): PlacementValidationError {
  try {
    place(request, compile === 'default' ? {} : { compile });
  } catch (e) {
    if (e instanceof PlacementValidationError) return e;
    throw e;
  }
  throw new Error('expected a PlacementValidationError');
}

const memberOf = (expression: string): PlacementConstraint => ({ type: 'memberOf', expression });

describe('limits', () => {
  it('at most 10 constraints, counting the task definition and the runtime ones together', () => {
    const five = Array.from({ length: 5 }, () => memberOf('attribute:x exists'));
    const six = [...five, memberOf('attribute:y exists')];
    expect(() => place(base({ taskDefinition: taskDefinition({ placementConstraints: five }), placementConstraints: five }), { compile: stubCompile })).not.toThrow();
    const e = error(base({ taskDefinition: taskDefinition({ placementConstraints: five }), placementConstraints: six }));
    expect(e.message).toBe(
      'Too many placement constraints: 11 (task definition 5, runtime 6); you can specify a maximum of 10 constraints for each task, including those in the task definition.',
    );
    expect(e.code).toBe('InvalidParameterException');
  });

  it('at most 5 strategies', () => {
    const five: PlacementStrategy[] = Array.from({ length: 5 }, () => ({ type: 'spread', field: 'instanceId' }));
    expect(() => place(base({ placementStrategy: five }))).not.toThrow();
    expect(error(base({ placementStrategy: [...five, { type: 'random' }] })).message).toBe(
      'Too many placement strategies: 6; you can specify a maximum of 5 strategy rules for each task.',
    );
  });
});

describe('constraints', () => {
  it("distinctInstance with an expression: ECS's message, even for an empty expression", () => {
    expect(error(base({ placementConstraints: [{ type: 'distinctInstance', expression: 'attribute:x exists' }] })).message).toBe(
      'placementConstraints[0]: distinctInstance expression should not be specified.',
    );
    expect(error(base({ placementConstraints: [{ type: 'distinctInstance', expression: '' }] })).message).toMatch(/distinctInstance expression should not be specified/);
  });

  it('distinctInstance is not allowed in a task definition', () => {
    expect(error(base({ taskDefinition: taskDefinition({ placementConstraints: [{ type: 'distinctInstance' }] }) })).message).toBe(
      "taskDefinition.placementConstraints[0]: constraint.type 'distinctInstance' is not supported in a task definition.",
    );
  });

  it('memberOf needs an expression', () => {
    expect(error(base({ placementConstraints: [{ type: 'memberOf' }] })).message).toBe('placementConstraints[0]: memberOf requires an expression.');
    expect(error(base({ placementConstraints: [{ type: 'memberOf', expression: '  ' }] })).message).toBe('placementConstraints[0]: memberOf requires an expression.');
  });

  it('expressions are at most 2000 characters', () => {
    expect(error(base({ placementConstraints: [memberOf(`attribute:x == ${'y'.repeat(2000)}`)] })).message).toMatch(/maximum length of 2000 characters; got 2015/);
  });

  it('unknown or missing constraint types are invalid', () => {
    expect(error(base({ placementConstraints: [{ type: 'sameZone' }] })).message).toBe(
      'placementConstraints[0]: invalid placement constraint type "sameZone": expected memberOf or distinctInstance.',
    );
    expect(error(base({ placementConstraints: [{}] })).message).toBe('placementConstraints[0]: placement constraint type is required: memberOf or distinctInstance.');
  });

  it('an expression that does not compile is reported with its position', () => {
    const e = error(base({ placementConstraints: [memberOf('attribute:x exists'), memberOf('attribute:x == (a')] }));
    expect(e.message).toBe('placementConstraints[1]: invalid memberOf expression: unexpected input at 15');
    expect(e.position).toBe(15);
    expect(e.expression).toBe('attribute:x == (a');
  });

  it('by default compiles with the cluster query language, reporting its syntax errors with their position', () => {
    const e = error(base({ placementConstraints: [memberOf('attribute:ecs.instance-type t2.small')] }), 'default');
    expect(e.message).toMatch(/^placementConstraints\[0\]: invalid memberOf expression: at character 29: /);
    expect(e.position).toBe(28);
    expect(e.cause).toBeInstanceOf(QuerySyntaxError);
  });
});

describe('strategies', () => {
  it('binpack field must be cpu or memory (any case)', () => {
    expect(() => place(base({ placementStrategy: [{ type: 'binpack', field: 'MEMORY' }] }))).not.toThrow();
    expect(error(base({ placementStrategy: [{ type: 'binpack', field: 'disk' }] })).message).toBe(
      'placementStrategy[0]: invalid binpack field "disk": expected cpu or memory.',
    );
    expect(error(base({ placementStrategy: [{ type: 'binpack' }] })).message).toBe('placementStrategy[0]: binpack requires a field: cpu or memory.');
  });

  it('spread needs a field: instanceId, host or attribute:<name>', () => {
    expect(error(base({ placementStrategy: [{ type: 'spread' }] })).message).toBe('placementStrategy[0]: spread requires a field: instanceId, host or attribute:<name>.');
    expect(error(base({ placementStrategy: [{ type: 'random' }, { type: 'spread', field: 'ecs.availability-zone' }] })).message).toBe(
      'placementStrategy[1]: invalid spread field "ecs.availability-zone": expected instanceId, host or attribute:<name>.',
    );
    expect(error(base({ placementStrategy: [{ type: 'spread', field: 'attribute:' }] })).message).toMatch(/invalid spread field "attribute:"/);
  });

  it('unknown or missing strategy types are invalid; random ignores its field', () => {
    expect(error(base({ placementStrategy: [{ type: 'roundRobin' }] })).message).toBe(
      'placementStrategy[0]: invalid placement strategy type "roundRobin": expected random, spread or binpack.',
    );
    expect(error(base({ placementStrategy: [{ field: 'cpu' }] })).message).toBe('placementStrategy[0]: placement strategy type is required: random, spread or binpack.');
    expect(() => place(base({ placementStrategy: [{ type: 'random', field: 'whatever' }] }))).not.toThrow();
  });
});

describe('count', () => {
  it('must be a non-negative integer', () => {
    expect(error(base({ count: -1 })).message).toBe('count must be a non-negative integer, got -1.');
    expect(error(base({ count: 1.5 })).message).toBe('count must be a non-negative integer, got 1.5.');
  });
});
