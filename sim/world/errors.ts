/**
 * An AWS API error as the service would return it: the error code (`__type` in JSON protocols, `Code` in Query/XML),
 * its message, the HTTP status, and whether the caller (Sender) or the service (Receiver) is at fault.
 */
export class AwsApiError extends Error {
  override readonly name = 'AwsApiError';
  readonly code: string;
  readonly status: number;
  readonly fault: 'Sender' | 'Receiver';
  /**
   * Members of the error shape besides the message, for the server to encode next to it (e.g. ECS
   * `ConflictException.resourceIds`). Empty for most errors.
   */
  readonly fields: Readonly<Record<string, unknown>>;

  constructor(
    code: string,
    message: string,
    status = 400,
    fault: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
    fields: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.code = code;
    this.status = status;
    this.fault = fault;
    this.fields = fields;
  }
}

/** ECS: a malformed or out-of-range parameter. */
export const invalidParameter = (message: string): AwsApiError => new AwsApiError('InvalidParameterException', message);
/** ECS: the request is valid but names something that does not exist or cannot be done. */
export const clientException = (message: string): AwsApiError => new AwsApiError('ClientException', message);
export const clusterNotFound = (): AwsApiError => new AwsApiError('ClusterNotFoundException', 'Cluster not found.');
export const serviceNotFound = (): AwsApiError => new AwsApiError('ServiceNotFoundException', 'Service not found.');
/** EC2 Auto Scaling and other Query-protocol services use ValidationError for bad and unknown input alike. */
export const validationError = (message: string): AwsApiError => new AwsApiError('ValidationError', message);

/** ECS RunTask: the clientToken was used with different parameters; `resourceIds` are the tasks it started. */
export const conflictException = (message: string, resourceIds: readonly string[]): AwsApiError =>
  new AwsApiError('ConflictException', message, 400, 'Sender', { resourceIds: [...resourceIds] });
/** Application Auto Scaling (JSON protocol): bad input. */
export const aasValidation = (message: string): AwsApiError => new AwsApiError('ValidationException', message);
/** Application Auto Scaling: a NextToken it did not issue. */
export const aasInvalidNextToken = (): AwsApiError => new AwsApiError('InvalidNextTokenException', 'Invalid NextToken');
/** SNS (Query protocol): bad input, e.g. `Invalid parameter: Subject`. */
export const snsInvalidParameter = (message: string): AwsApiError => new AwsApiError('InvalidParameter', message);
/** SNS: the topic does not exist. */
export const snsNotFound = (message = 'Topic does not exist'): AwsApiError => new AwsApiError('NotFound', message, 404);
/** SSM: no parameter by that name (or version). */
export const ssmParameterNotFound = (message = ''): AwsApiError => new AwsApiError('ParameterNotFound', message);
/** SSM: PutParameter without Overwrite on an existing name. */
export const ssmParameterAlreadyExists = (): AwsApiError =>
  new AwsApiError('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
/** SSM (JSON protocol): bad input. */
export const ssmValidation = (message: string): AwsApiError => new AwsApiError('ValidationException', message);
