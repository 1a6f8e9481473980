/** The schedule expression parser lives in lib/schedule (the runner and config check use it too); re-exported here. */
export * from '../../lib/schedule/expression.js';
