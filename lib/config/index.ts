/**
 * Public surface of the config module: the schema and its types, and reading/validating `ecs-ops.config.yml`.
 */
export * from './schema.js';
export { ConfigLoadError, formatConfigErrors, type ConfigError } from './errors.js';
export { loadConfigFile, parseConfig, type LoadedConfig, type ParseConfigResult } from './load.js';
