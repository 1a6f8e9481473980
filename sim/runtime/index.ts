/**
 * sim/runtime: runs the packaged ecs-ops functions as Lambda would. Read the package (`readPackage`), load its bundles
 * (`loadFunctions`), and deliver the world's events and the schedules to them (`EventBus`, `createEventBus`).
 *
 *     const pkg = readPackage('.serverless');
 *     const functions = await loadFunctions(pkg, { workDir, endpointUrl: server.url, clock });
 *     const bus = createEventBus(pkg, functions.functions, { clock, faults: { duplicateRate: 0.05 }, seed });
 *     world.onEvent((event) => bus.put(event));
 *     bus.startSchedules();
 *     await runUntil(clock, bus, clock.now() + 3_600_000);
 */
export { extractZip, readZip, zipEntryMap, ZipFormatError, type ZipEntry } from './zip.js';
export {
  createResolver,
  findFunction,
  readPackage,
  TemplateError,
  DEFAULT_ACCOUNT_ID,
  DEFAULT_REGION,
  LAMBDA_ASYNC_DEFAULTS,
  SCHEDULER_RETRY_DEFAULTS,
  TEMPLATE_FILE,
  type CfnResource,
  type CfnTemplate,
  type Package,
  type PackagedFunction,
  type PackagedResources,
  type PackagedRule,
  type PackagedSchedule,
  type ReadPackageOptions,
  type RetryPolicy,
  type RuleTarget,
  type SimStack,
} from './template.js';
export {
  loadFunctions,
  type CapturedLine,
  type ErrorInfo,
  type InvocationRecord,
  type InvokeInfo,
  type LambdaFunction,
  type LoadedFunctions,
  type LoadFunctionsOptions,
} from './functions.js';
export {
  createEventBus,
  EventBus,
  LAMBDA_RETRY_DELAYS_MS,
  runUntil,
  type AttemptRecord,
  type BusTarget,
  type DeadLetterRecord,
  type DeliveryRecord,
  type DestinationMessage,
  type DroppedDelivery,
  type EventBusOptions,
  type EventEnvelope,
  type EventFaults,
  type PutResult,
  type Scheduler,
  type SteppableClock,
} from './delivery.js';
export { cronerPattern, isoSeconds, parseSchedule, upcoming, ScheduleExpressionError, type Schedule } from './schedule-expression.js';
