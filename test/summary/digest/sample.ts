/** One realistic morning on `prod`, shared by the rendering tests. */
import { buildDigest } from '../../../lib/summary/digest/build.js';
import type { Digest } from '../../../lib/summary/digest/model.js';
import { ECS_MANAGED_ALARM, INSUFFICIENT, asgFailedLaunch, asgLaunch, asgTerminate, atMax, min, scheduled, service, snapshot, targetTracking } from './fixtures.js';

export function morningDigest(): Digest {
  return buildDigest(
    snapshot({
      services: [
        service('web', 8, 8, {
          events: [
            { id: '1', createdAt: min(11), message: '(service web) has started 10 tasks: (task 04dfb8c773cc47a1b0442dc1cabc497a).' },
            { id: '2', createdAt: min(41), message: '(service web) has stopped 8 running tasks: (task 218dcf0765ba4c97a2eeb1f06a0e913b).' },
            { id: '3', createdAt: min(2), message: '(service web) (deployment ecs-svc/4125071934000886933) deployment failed: tasks failed to start.' },
          ],
        }),
        service('api', 4, 4),
        service('worker', 2, 2),
        service('billing', 3, 3),
      ],
      aasActivities: [
        targetTracking('web', min(-600), 6, false),
        targetTracking('web', min(10), 16, true),
        atMax('web', min(25), 16),
        targetTracking('web', min(40), 8, false),
        scheduled('api', min(-900), 12, 'api-business-hours'),
        scheduled('api', min(180), 4, 'api-evening-scale-in'),
      ],
      asgs: [
        { name: 'prod-ecs-ondemand', desired: 5, min: 2, max: 8, instances: 5 },
        { name: 'prod-ecs-spot', desired: 2, min: 0, max: 4, instances: 2 },
      ],
      asgActivities: [
        asgLaunch('prod-ecs-ondemand', min(12), 4, 6, ECS_MANAGED_ALARM, 'i-0aaaaaaaaaaaaaaa1'),
        asgFailedLaunch('prod-ecs-ondemand', min(13), INSUFFICIENT),
        asgFailedLaunch('prod-ecs-ondemand', min(15), INSUFFICIENT),
        asgTerminate('prod-ecs-ondemand', min(200), 6, 5, 'i-0bbbbbbbbbbbbbbb1', 4 * 60_000 + 12_000, 'a user request explicitly set group desired capacity'),
      ],
    }),
    { drainedAsgs: ['prod-ecs-ondemand', 'prod-ecs-spot'] },
  );
}
