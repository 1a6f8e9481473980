/**
 * A real HTTP server on 127.0.0.1 (random free port) standing in for Slack incoming webhooks. It records every request
 * and answers `200 ok`, or the next queued reply (`respondWith`), e.g. 429 with `Retry-After`, 404 `no_service`,
 * 400 `invalid_blocks`, 500.
 *
 * The implementation lives in sim/server/slack-sink.ts (the simulator's AWS server hosts the same sink under
 * `/slack/*`); this module keeps the names the tests use.
 */
export {
  SLACK_WEBHOOK_PATH as STAND_IN_WEBHOOK_PATH,
  startSlackSink as startSlackStandIn,
  type SlackReceivedRequest as ReceivedRequest,
  type SlackReply as StandInReply,
  type SlackSinkServer as SlackStandIn,
} from '../../sim/server/slack-sink.js';
