import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';

/** One kind of failure S3 answers with: the HTTP status and S3's error code. */
export interface S3FaultRule {
  /** `PutObjectCommand`, `UploadPartCommand`, … */
  commands: readonly string[];
  /** Which object keys fail. */
  key: RegExp;
  status: 500 | 503;
  code: 'InternalError' | 'SlowDown';
  /** How many requests fail (each SDK attempt counts); Infinity for a persistent fault. */
  times: number;
}

export interface S3Faults {
  add(rule: S3FaultRule): void;
  clear(): void;
  /** Failed requests so far, per `command key`. */
  readonly hits: string[];
}

const MESSAGES = {
  InternalError: 'We encountered an internal error. Please try again.',
  SlowDown: 'Please reduce your request rate.',
};

/**
 * Makes an S3 client answer chosen requests with a real S3 error response (status and XML body),
 * below the SDK's deserializer and retry middleware: the SDK parses it into its own exception
 * (`SlowDown`, `InternalError`) and retries it exactly as it would a real one. s3rver cannot fail
 * on demand; this is the thinnest wrapper that lets the whole SDK path run.
 */
export function injectS3Faults(client: S3Client): S3Faults {
  const rules: { rule: S3FaultRule; left: number }[] = [];
  const hits: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const key = (args.input as { Key?: string }).Key ?? '';
      const entry = rules.find(
        ({ rule, left }) =>
          left > 0 && rule.commands.includes(context.commandName ?? '') && rule.key.test(key),
      );
      if (entry === undefined) return next(args);
      entry.left -= 1;
      hits.push(`${context.commandName} ${key}`);
      const { code, status } = entry.rule;
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${MESSAGES[code]}</Message><RequestId>FAULT</RequestId><HostId>fault</HostId></Error>`;
      return {
        response: {
          statusCode: status,
          reason: code,
          headers: { 'content-type': 'application/xml', 'x-amz-request-id': 'FAULT' },
          body: Readable.from([Buffer.from(body)]),
        },
        output: undefined as never,
      };
    },
    { step: 'deserialize', priority: 'low', name: 'sc2awsS3Faults' },
  );
  return {
    add: (rule) => void rules.push({ rule, left: rule.times }),
    clear: () => {
      rules.length = 0;
    },
    hits,
  };
}
