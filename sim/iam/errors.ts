/**
 * The error each service answers when IAM denies a call, with AWS's message text:
 *
 *   User: <caller ARN> is not authorized to perform: <action> on resource: <resource> because no identity-based policy
 *   allows the <action> action
 *
 * - ECS, SSM, Application Auto Scaling (JSON 1.1) and DynamoDB (JSON 1.0): `AccessDeniedException`, HTTP 400
 *   (ECS: https://github.com/cdklabs/construct-hub/pull/1207, https://github.com/aws/serverless-application-model/issues/2247
 *   "Status Code: 400; Error Code: AccessDeniedException"; Application Auto Scaling: "Status Code: 400; Error Code:
 *   AccessDeniedException" in https://github.com/aws-samples/aws-application-auto-scaling-kinesis/issues/1).
 * - EC2 Auto Scaling (Query): `AccessDenied`, HTTP 403; for its wildcard-only Describe actions the text has no
 *   "on resource" part (https://github.com/chime/terraform-aws-alternat/issues/188,
 *   https://github.com/cattle-ops/terraform-aws-gitlab-runner/issues/1316).
 * - SNS (Query): `AuthorizationError`, HTTP 403, with the action spelled `SNS:Publish`
 *   (https://github.com/aws-ia/terraform-aws-control_tower_account_factory/issues/151,
 *   https://github.com/ministryofjustice/cloud-platform-environments/pull/21094 "Status Code: 403").
 * - CloudFormation (Query), CloudWatch and SQS (JSON 1.0 with their Query-compatible codes): `AccessDenied`, HTTP 403
 *   (CloudFormation: "Status Code: 403; Error Code: AccessDenied" for DescribeStacks, as for the other Query services;
 *   CloudWatch and SQS answer the Query code in `x-amzn-query-error`).
 * - An access key the account does not know: `UnrecognizedClientException` "The security token included in the
 *   request is invalid." (JSON, 400) / `InvalidClientTokenId` (Query, 403)
 *   (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/CommonErrors.html).
 */
import { AwsApiError } from '../world/errors.js';
import type { AuthorizedService } from './requests.js';

export function accessDeniedError(service: AuthorizedService, callerArn: string, action: string, resource: string): AwsApiError {
  const shown = service === 'sns' ? action.replace(/^sns:/, 'SNS:') : action;
  const onResource = service === 'autoscaling' && resource === '*' ? '' : ` on resource: ${resource}`;
  const message = `User: ${callerArn} is not authorized to perform: ${shown}${onResource} because no identity-based policy allows the ${shown} action`;
  switch (service) {
    case 'autoscaling':
    case 'cloudformation':
    case 'cloudwatch':
    case 'sqs':
      return new AwsApiError('AccessDenied', message, 403, 'Sender');
    case 'sns':
      return new AwsApiError('AuthorizationError', message, 403, 'Sender');
    default:
      return new AwsApiError('AccessDeniedException', message, 400, 'Sender');
  }
}

export function unrecognizedClientError(service: AuthorizedService): AwsApiError {
  const message = 'The security token included in the request is invalid.';
  return service === 'autoscaling' || service === 'sns' || service === 'cloudformation' || service === 'cloudwatch' || service === 'sqs' ? new AwsApiError('InvalidClientTokenId', message, 403, 'Sender') : new AwsApiError('UnrecognizedClientException', message, 400, 'Sender');
}
