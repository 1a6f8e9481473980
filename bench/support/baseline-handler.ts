/**
 * The baseline for cold starts: the smallest handler built on the same stack as every ecs-ops function (Powertools
 * Logger with its middy middleware), bundled with the same esbuild options as serverless.yml.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';

const logger = new Logger({ serviceName: 'baseline' });

export const handler = middy(async (event: { id?: string } | undefined) => {
  logger.info('event received', { eventId: event?.id });
  return Promise.resolve({ ok: true });
}).use(injectLambdaContext(logger, { correlationIdPath: 'id' }));
