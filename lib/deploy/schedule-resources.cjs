// osls plugin: adds the CloudWatch alarms (lib/deploy/alarms.ts) and the EventBridge Scheduler resources (one AWS::Scheduler::Schedule per config schedule and one for
// the digest, their schedule group and execution role; see lib/deploy/schedule-wiring.ts) to the packaged template.
// serverless.yml's `resources` cannot merge a derived map into its own, so this does it, from .ecs-ops/deploy.json.
'use strict';

class EcsOpsScheduleResources {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'package:compileEvents': () => this.addResources() };
  }

  addResources() {
    const deploy = (this.serverless.service.custom && this.serverless.service.custom.deploy) || {};
    // The alarms (lib/deploy/alarms.ts) are derived from the config the same way.
    const resources = { ...((deploy.scheduler && deploy.scheduler.resources) || {}), ...((deploy.alarms && deploy.alarms.resources) || {}) };
    const template = this.serverless.service.provider.compiledCloudFormationTemplate;
    for (const [logicalId, resource] of Object.entries(resources)) {
      if (template.Resources[logicalId]) throw new this.serverless.classes.Error(`ecs-ops: resource ${logicalId} already exists in the template`);
      template.Resources[logicalId] = resource;
    }
  }
}

module.exports = EcsOpsScheduleResources;
