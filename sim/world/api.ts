/**
 * The AWS operations the simulated world answers, one method per API operation, with the SDK's own request and
 * response types. The protocol server (sim/server) only decodes the wire format into these inputs and encodes the
 * outputs back (JSON 1.1 or Query/XML); all semantics — validation, error codes, pagination, batch limits, state
 * changes and the events they emit — live behind this interface, in the world.
 *
 * Errors are thrown as `AwsApiError` (sim/world/errors.ts) with AWS's error code and message.
 */
import type * as AAS from '@aws-sdk/client-application-auto-scaling';
import type * as ASG from '@aws-sdk/client-auto-scaling';
import type * as ECS from '@aws-sdk/client-ecs';
import type * as SNS from '@aws-sdk/client-sns';
import type * as SSM from '@aws-sdk/client-ssm';
import type * as CFN from '@aws-sdk/client-cloudformation';
import type * as CW from '@aws-sdk/client-cloudwatch';
import type * as SQS from '@aws-sdk/client-sqs';

/** A response without the SDK's `$metadata`. */
type Out<T> = Omit<T, '$metadata'>;

export interface EcsApi {
  ListContainerInstances(input: ECS.ListContainerInstancesRequest): Out<ECS.ListContainerInstancesResponse>;
  DescribeContainerInstances(input: ECS.DescribeContainerInstancesRequest): Out<ECS.DescribeContainerInstancesResponse>;
  UpdateContainerInstancesState(input: ECS.UpdateContainerInstancesStateRequest): Out<ECS.UpdateContainerInstancesStateResponse>;
  ListTasks(input: ECS.ListTasksRequest): Out<ECS.ListTasksResponse>;
  DescribeTasks(input: ECS.DescribeTasksRequest): Out<ECS.DescribeTasksResponse>;
  RunTask(input: ECS.RunTaskRequest): Out<ECS.RunTaskResponse>;
  StopTask(input: ECS.StopTaskRequest): Out<ECS.StopTaskResponse>;
  ListServices(input: ECS.ListServicesRequest): Out<ECS.ListServicesResponse>;
  DescribeServices(input: ECS.DescribeServicesRequest): Out<ECS.DescribeServicesResponse>;
  UpdateService(input: ECS.UpdateServiceRequest): Out<ECS.UpdateServiceResponse>;
  DescribeTaskDefinition(input: ECS.DescribeTaskDefinitionRequest): Out<ECS.DescribeTaskDefinitionResponse>;
  ListTagsForResource(input: ECS.ListTagsForResourceRequest): Out<ECS.ListTagsForResourceResponse>;
  DescribeCapacityProviders(input: ECS.DescribeCapacityProvidersRequest): Out<ECS.DescribeCapacityProvidersResponse>;
  CreateCapacityProvider(input: ECS.CreateCapacityProviderRequest): Out<ECS.CreateCapacityProviderResponse>;
  UpdateCapacityProvider(input: ECS.UpdateCapacityProviderRequest): Out<ECS.UpdateCapacityProviderResponse>;
  PutClusterCapacityProviders(input: ECS.PutClusterCapacityProvidersRequest): Out<ECS.PutClusterCapacityProvidersResponse>;
  DescribeClusters(input: ECS.DescribeClustersRequest): Out<ECS.DescribeClustersResponse>;
  PutAttributes(input: ECS.PutAttributesRequest): Out<ECS.PutAttributesResponse>;
  DeleteAttributes(input: ECS.DeleteAttributesRequest): Out<ECS.DeleteAttributesResponse>;
  UpdateTaskProtection(input: ECS.UpdateTaskProtectionRequest): Out<ECS.UpdateTaskProtectionResponse>;
  GetTaskProtection(input: ECS.GetTaskProtectionRequest): Out<ECS.GetTaskProtectionResponse>;
}

export interface AutoScalingApi {
  DescribeAutoScalingGroups(input: ASG.AutoScalingGroupNamesType): Out<ASG.AutoScalingGroupsType>;
  DescribeAutoScalingInstances(input: ASG.DescribeAutoScalingInstancesType): Out<ASG.AutoScalingInstancesType>;
  DescribeLifecycleHooks(input: ASG.DescribeLifecycleHooksType): Out<ASG.DescribeLifecycleHooksAnswer>;
  // eslint-disable-next-line @typescript-eslint/no-generated-empty-object-type -- the SDK's answer has no members
  CompleteLifecycleAction(input: ASG.CompleteLifecycleActionType): Out<ASG.CompleteLifecycleActionAnswer>;
  // eslint-disable-next-line @typescript-eslint/no-generated-empty-object-type -- the SDK's answer has no members
  RecordLifecycleActionHeartbeat(input: ASG.RecordLifecycleActionHeartbeatType): Out<ASG.RecordLifecycleActionHeartbeatAnswer>;
  DescribeScalingActivities(input: ASG.DescribeScalingActivitiesType): Out<ASG.ActivitiesType>;
  SetDesiredCapacity(input: ASG.SetDesiredCapacityType): void;
  TerminateInstanceInAutoScalingGroup(input: ASG.TerminateInstanceInAutoScalingGroupType): Out<ASG.ActivityType>;
  // eslint-disable-next-line @typescript-eslint/no-generated-empty-object-type -- the SDK's answer has no members
  SetInstanceProtection(input: ASG.SetInstanceProtectionQuery): Out<ASG.SetInstanceProtectionAnswer>;
  // eslint-disable-next-line @typescript-eslint/no-generated-empty-object-type -- the SDK's answer has no members
  PutWarmPool(input: ASG.PutWarmPoolType): Out<ASG.PutWarmPoolAnswer>;
  DescribeWarmPool(input: ASG.DescribeWarmPoolType): Out<ASG.DescribeWarmPoolAnswer>;
}

export interface ApplicationAutoScalingApi {
  DescribeScalableTargets(input: AAS.DescribeScalableTargetsRequest): Out<AAS.DescribeScalableTargetsResponse>;
  DescribeScalingActivities(input: AAS.DescribeScalingActivitiesRequest): Out<AAS.DescribeScalingActivitiesResponse>;
}

export interface SnsApi {
  Publish(input: SNS.PublishInput): Out<SNS.PublishResponse>;
  GetTopicAttributes(input: SNS.GetTopicAttributesInput): Out<SNS.GetTopicAttributesResponse>;
}

export interface SsmApi {
  GetParameter(input: SSM.GetParameterRequest): Out<SSM.GetParameterResult>;
  PutParameter(input: SSM.PutParameterRequest): Out<SSM.PutParameterResult>;
}

/** What `ecs-ops status` reads of a deployed stage (sim/world/cloudformation.ts, cloudwatch.ts, sqs.ts). */
export interface CloudFormationApi {
  DescribeStacks(input: CFN.DescribeStacksInput): Out<CFN.DescribeStacksOutput>;
}

export interface CloudWatchApi {
  GetMetricData(input: CW.GetMetricDataInput): Out<CW.GetMetricDataOutput>;
  DescribeAlarms(input: CW.DescribeAlarmsInput): Out<CW.DescribeAlarmsOutput>;
}

export interface SqsApi {
  GetQueueUrl(input: SQS.GetQueueUrlRequest): Out<SQS.GetQueueUrlResult>;
  GetQueueAttributes(input: SQS.GetQueueAttributesRequest): Out<SQS.GetQueueAttributesResult>;
}

/** What IAM needs to know about the account to name a call's resources (sim/iam; the world answers it). */
export interface ResourceDirectory {
  readonly account: string;
  readonly region: string;
  /** A task definition by family, family:revision or ARN (family alone: the latest ACTIVE revision). */
  taskDefinition(reference: string): { arn: string; taskRoleArn?: string | undefined; executionRoleArn?: string | undefined } | undefined;
  /** The ARN of an Auto Scaling group by name. */
  autoScalingGroupArn(name: string): string | undefined;
  /** The Auto Scaling group an EC2 instance belongs to. */
  autoScalingGroupOfInstance(ec2InstanceId: string): string | undefined;
  /** The stack id (ARN) of a CloudFormation stack by name, if it exists (optional: worlds without stacks). */
  stackArn?(name: string): string | undefined;
}

/** Everything the protocol server can call, by service. */
export interface AwsApis {
  ecs: EcsApi;
  autoscaling: AutoScalingApi;
  applicationAutoScaling: ApplicationAutoScalingApi;
  sns: SnsApi;
  ssm: SsmApi;
  cloudformation: CloudFormationApi;
  cloudwatch: CloudWatchApi;
  sqs: SqsApi;
}

export type ServiceName = keyof AwsApis;
