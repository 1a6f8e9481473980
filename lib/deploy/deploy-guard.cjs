// osls plugin: refuses what would deploy the wrong thing or to the wrong place.
// - No package without a config: serverless.yml falls back to lib/deploy/unpackaged.json when .ecs-ops/deploy.json is
//   absent, so that `osls remove|info|logs` work on a fresh checkout; packaging or deploying from it is refused.
// - A package built from the example config: `npm run deploy` already refuses before building; this also catches
//   `npm run package` (tests and CI package the example) followed by a bare `osls deploy`.
// - A package without a region (packaged offline), or a `--region` different from the one it was prepared for: the
//   EventBridge rules are regional, and a stack in another region than its clusters never fires.
// - remove/info/logs with no region at all (no --region, no deploy.json region): osls would silently use us-east-1.
'use strict';

class EcsOpsDeployGuard {
  constructor(serverless, options) {
    this.serverless = serverless;
    this.options = options || {};
    this.hooks = {
      'before:package:initialize': () => this.refuseUnpackaged(),
      'before:deploy:deploy': () => this.refuseUndeployable(),
      'before:deploy:function:initialize': () => this.refuseUndeployable(),
      'before:remove:remove': () => this.refuseNoRegion('remove'),
      'before:info:info': () => this.refuseNoRegion('info'),
      'before:logs:logs': () => this.refuseNoRegion('logs'),
    };
  }

  get deploy() {
    return (this.serverless.service.custom && this.serverless.service.custom.deploy) || {};
  }

  refuseUnpackaged() {
    if (this.deploy.packaged !== true) {
      throw new this.serverless.classes.Error(
        'ecs-ops: no .ecs-ops/deploy.json: run `npm run package` or `npm run deploy` (they validate the config and prepare it), not osls directly.',
      );
    }
  }

  refuseUndeployable() {
    this.refuseUnpackaged();
    const deploy = this.deploy;
    if (deploy.exampleConfig !== false) {
      throw new this.serverless.classes.Error(
        'ecs-ops: refusing to deploy a package built from the example config (or from an unknown config). ' +
          'Write ecs-ops.config.yml for your account and run `npm run deploy`.',
      );
    }
    if (typeof deploy.region !== 'string') {
      throw new this.serverless.classes.Error('ecs-ops: refusing to deploy a package prepared without a region. Run `npm run deploy -- --region REGION`.');
    }
    if (this.options.region && this.options.region !== deploy.region) {
      throw new this.serverless.classes.Error(
        `ecs-ops: refusing to deploy to ${this.options.region}: the package was prepared for ${deploy.region}. Run \`npm run deploy -- --region ${this.options.region}\`.`,
      );
    }
  }

  refuseNoRegion(command) {
    if (!this.options.region && typeof this.deploy.region !== 'string') {
      throw new this.serverless.classes.Error(`ecs-ops: no region for ${command}: run \`npm run ${command} -- --region REGION\` (or set AWS_REGION).`);
    }
  }
}

module.exports = EcsOpsDeployGuard;
