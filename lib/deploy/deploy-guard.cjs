// osls plugin: refuses `osls deploy` of a package built from the example config. `npm run deploy` already refuses
// before building; this also catches `npm run package` (tests and CI package the example) followed by a bare
// `osls deploy`, which would otherwise read the example's .ecs-ops/deploy.json.
'use strict';

class EcsOpsDeployGuard {
  constructor(serverless) {
    this.serverless = serverless;
    const refuse = () => this.refuseExample();
    this.hooks = {
      'before:deploy:deploy': refuse,
      'before:deploy:function:initialize': refuse,
    };
  }

  refuseExample() {
    const deploy = (this.serverless.service.custom && this.serverless.service.custom.deploy) || {};
    if (deploy.exampleConfig !== false) {
      throw new this.serverless.classes.Error(
        'ecs-ops: refusing to deploy a package built from the example config (or from an unknown config). ' +
          'Write ecs-ops.config.yml for your account and run `npm run deploy`.',
      );
    }
  }
}

module.exports = EcsOpsDeployGuard;
