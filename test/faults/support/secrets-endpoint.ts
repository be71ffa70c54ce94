import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { sdkRetriesWithoutBackoff } from '#support/sdk-retries';

export interface SecretsEndpoint {
  /** A real SDK client (the standard retry strategy, 3 attempts, without its backoff) pointed at this endpoint. */
  client(): SecretsManagerClient;
  /** While true, every GetSecretValue is answered with ThrottlingException (HTTP 400). */
  throttling: boolean;
  /** GetSecretValue requests received, retries included. */
  readonly requests: number;
  close(): Promise<void>;
}

/**
 * Secrets Manager's GetSecretValue over HTTP on loopback (the awsJson1_1 protocol), for faults
 * that must pass through the SDK's own retry middleware, which aws-sdk-client-mock bypasses.
 */
export async function startSecretsEndpoint(
  secretArn: string,
  secretString: string,
): Promise<SecretsEndpoint> {
  let requests = 0;
  const endpoint = {
    throttling: true,
    get requests() {
      return requests;
    },
  } as SecretsEndpoint;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests += 1;
      const json = { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `req-${requests}` };
      if (endpoint.throttling) {
        res.writeHead(400, { ...json, 'x-amzn-errortype': 'ThrottlingException' });
        res.end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
        return;
      }
      res.writeHead(200, json);
      res.end(
        JSON.stringify({
          ARN: secretArn,
          Name: 'sc2aws/sc-keys',
          VersionId: 'C',
          SecretString: secretString,
          VersionStages: ['AWSCURRENT'],
          CreatedDate: 1_700_000_000,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  endpoint.client = () =>
    new SecretsManagerClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      retryStrategy: sdkRetriesWithoutBackoff(),
    });
  endpoint.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return endpoint;
}
