/** The simulator's AWS endpoint: one HTTP server speaking the real wire protocols (see server.ts). */
export { accessKeyIdOf, startAwsServer, SLACK_PATH_PREFIX, type AuthorizationRequest, type AwsServer, type AwsServerOptions, type CallAuthorizer } from './server.js';
export { ApiCallLog, failed, succeeded, type ApiCall, type ApiCallFilter } from './call-log.js';
export { faultRuleFor, validateFaults, type FaultConfig, type FaultRule } from './faults.js';
export { SERVICES, type SimService } from './services.js';
export {
  SLACK_WEBHOOK_PATH,
  createSlackSink,
  startSlackSink,
  type SlackReceivedRequest,
  type SlackReply,
  type SlackSink,
  type SlackSinkServer,
} from './slack-sink.js';
