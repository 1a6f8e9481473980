// osls plugin: a stack output per deployed function (its name), so that `ecs-ops status` and people find them without
// knowing osls's naming. Functions are declared only when the config uses them (serverless.yml), so the outputs are
// added here, for the functions the package has, rather than listed in serverless.yml.
'use strict';

class EcsOpsStackOutputs {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'package:compileEvents': () => this.addOutputs() };
  }

  addOutputs() {
    const service = this.serverless.service;
    const naming = service.provider && this.serverless.getProvider('aws').naming;
    const template = service.provider.compiledCloudFormationTemplate;
    template.Outputs = template.Outputs || {};
    for (const name of service.getAllFunctions()) {
      const functionLogicalId = naming.getLambdaLogicalId(name);
      const outputId = `${functionLogicalId.replace(/LambdaFunction$/, '')}FunctionName`;
      template.Outputs[outputId] = { Description: `Name of the ${name} function`, Value: { Ref: functionLogicalId } };
    }
  }
}

module.exports = EcsOpsStackOutputs;
