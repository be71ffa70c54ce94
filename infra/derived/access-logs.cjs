// dataBucketAccessLogs: where S3 writes the server access logs of the data bucket this stack
// creates (infra/data-bucket.yml), as `<bucket>[/<prefix>]`.
'use strict';

const { fail } = require('./checks.cjs');

const TARGET = /^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/((?:[A-Za-z0-9!_.*'()-]+\/)*[A-Za-z0-9!_.*'()-]*))?$/;
const EXAMPLE = 'acme-access-logs/s3/sc2aws';

/**
 * The bucket's LoggingConfiguration, or AWS::NoValue (no access logs) when the parameter is empty.
 * A prefix gets a trailing "/", so the log objects land in a folder of their own.
 */
function dataBucketLogging(value, { dataBucketName }) {
  if (value === '') return { Ref: 'AWS::NoValue' };
  if (dataBucketName !== '') {
    fail(
      'dataBucketAccessLogs',
      `applies only to the data bucket this stack creates, and dataBucketName names an existing one (${dataBucketName}), which the stack does not change: turn access logging on for that bucket yourself and drop dataBucketAccessLogs`,
      EXAMPLE,
    );
  }
  const target = TARGET.exec(value);
  if (target === null) {
    fail(
      'dataBucketAccessLogs',
      `must be a bucket name, optionally followed by / and a key prefix (got "${value}")`,
      EXAMPLE,
    );
  }
  const [, bucket, prefix = ''] = target;
  return {
    DestinationBucketName: bucket,
    ...(prefix === '' ? {} : { LogFilePrefix: prefix.endsWith('/') ? prefix : `${prefix}/` }),
  };
}

module.exports = { dataBucketLogging };
