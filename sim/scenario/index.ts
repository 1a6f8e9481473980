/**
 * sim/scenario: scenario files (schema, loading), the runner, and the reports (text, JSON, HTML).
 *
 *     const scenario = loadScenarioFile('sim/scenarios/tour.yml');   // throws ScenarioLoadError (file:line:col)
 *     const report = await runScenario(scenario, { onProgress });
 *     process.stdout.write(renderTextReport(report));
 */
export { DEFAULT_ACCOUNT, formatScenarioErrors, loadScenarioFile, parseScenario, ScenarioLoadError, type ParseScenarioResult, type Scenario, type ScenarioError } from './load.js';
export { runScenario, type RunOptions, type RunProgress } from './run.js';
export { renderTextReport, type TextReportOptions } from './report-text.js';
export { renderHtmlReport } from './report-html.js';
export { FleetBuildError } from './build-world.js';
export { packageConfigFile, packageConfigText, PACKAGE_CACHE_DIR, withPackagingLock } from './package.js';
export type * from './report.js';
