/**
 * An AWS API error as the service would return it: the error code (`__type` in JSON protocols, `Code` in Query/XML),
 * its message, the HTTP status, and whether the caller (Sender) or the service (Receiver) is at fault.
 */
export class AwsApiError extends Error {
  override readonly name = 'AwsApiError';
  readonly code: string;
  readonly status: number;
  readonly fault: 'Sender' | 'Receiver';

  constructor(code: string, message: string, status = 400, fault: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender') {
    super(message);
    this.code = code;
    this.status = status;
    this.fault = fault;
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
