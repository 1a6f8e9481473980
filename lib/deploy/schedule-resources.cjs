// osls plugin: adds the CloudFormation resources of the scheduled tasks (one AWS::Scheduler::Schedule per config
// schedule, their schedule group and execution role; see lib/deploy/schedule-wiring.ts) to the packaged template.
// serverless.yml's `resources` cannot merge a derived map into its own, so this does it, from .ecs-ops/deploy.json.
'use strict';

class EcsOpsScheduleResources {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'package:compileEvents': () => this.addResources() };
  }

  addResources() {
    const deploy = (this.serverless.service.custom && this.serverless.service.custom.deploy) || {};
    const runner = deploy.functions && deploy.functions.scheduleRunner;
    if (!runner || runner.enabled !== true) return;
    const template = this.serverless.service.provider.compiledCloudFormationTemplate;
    for (const [logicalId, resource] of Object.entries(runner.resources || {})) {
      if (template.Resources[logicalId]) throw new this.serverless.classes.Error(`ecs-ops: resource ${logicalId} already exists in the template`);
      template.Resources[logicalId] = resource;
    }
  }
}

module.exports = EcsOpsScheduleResources;
