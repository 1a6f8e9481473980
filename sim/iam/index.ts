/**
 * sim/iam: the simulated account authorizes every call against the caller's role as the packaged template defines it.
 *
 *     const iam = createIamEnforcement(pkg, world.resourceDirectory, () => world.now());
 *     const server = await startAwsServer({ apis: world.apis, authorize: iam.authorize, … });
 *     // functions sign with their own access key ids (sim/runtime); the CLI with iam.operatorAccessKeyId
 *     iam.authorizer.denials;   // who was denied what
 */
import type { Package } from '../runtime/template.js';
import type { CallAuthorizer } from '../server/server.js';
import type { ResourceDirectory } from '../world/api.js';
import { IamAuthorizer } from './authorizer.js';
import { operatorAccessKeyId, operatorPrincipal } from './operator.js';
import { accessKeyIdFor, functionPrincipals, rolePolicies, type FunctionPrincipal, type Principal } from './principals.js';

export { IamAuthorizer, type Denial } from './authorizer.js';
export { IAM_DEVIATIONS, deviationsOf, type IamDeviation } from './deviations.js';
export { accessDeniedError, unrecognizedClientError } from './errors.js';
export { OPERATOR_ROLE_NAME, operatorAccessKeyId, operatorPrincipal } from './operator.js';
export { accessKeyIdFor, functionAccessKeyId, functionPrincipals, rolePolicies, type FunctionPrincipal, type PolicyDocument, type Principal, type RolePolicies } from './principals.js';
export { buildIamRequests, deviationFor, IAM_PREFIX, type AuthorizedService, type IamRequest, type ResourceDirectory } from './requests.js';

export interface IamEnforcement {
  authorizer: IamAuthorizer;
  /** The server's `authorize` hook. */
  authorize: CallAuthorizer;
  functions: FunctionPrincipal[];
  /** The principal of each role of the stack by role ARN (Scheduler's `RoleArn`, Lambda's execution role). */
  roles: Map<string, Principal>;
  /** The CLI's credentials against the simulator (sim/iam/operator.ts). */
  operatorAccessKeyId: string;
  /** Credentials whose calls are not authorized: the account's set-up (tables), as CloudFormation would make it. */
  setupAccessKeyId: string;
}

/** The account of a package: its functions' roles, the stack's other roles, the CLI's operator role. */
export function createIamEnforcement(pkg: Package | undefined, directory: ResourceDirectory, now: () => number = Date.now): IamEnforcement {
  const authorizer = new IamAuthorizer({ directory, now });
  const functions = pkg === undefined ? [] : functionPrincipals(pkg);
  for (const fn of functions) authorizer.register(fn.accessKeyId, fn);
  const roles = new Map<string, Principal>();
  for (const role of pkg === undefined ? [] : rolePolicies(pkg)) {
    roles.set(role.roleArn, { arn: role.roleArn, roleArn: role.roleArn, label: role.logicalId, policies: role.policies });
  }
  const operator = operatorPrincipal(directory.account, directory.region);
  const operatorKey = operatorAccessKeyId(directory.account);
  authorizer.register(operatorKey, operator);
  const setupAccessKeyId = accessKeyIdFor(`setup/${directory.account}`);
  authorizer.registerUnrestricted(setupAccessKeyId);
  return {
    authorizer,
    authorize: ({ accessKeyId, service, operation, input }) => authorizer.authorizeCall(accessKeyId, service, operation, input),
    functions,
    roles,
    operatorAccessKeyId: operatorKey,
    setupAccessKeyId,
  };
}
