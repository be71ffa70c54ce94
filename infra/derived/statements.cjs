// IAM statements that depend on the parameters, for infra/roles.yml. Each is in the allow-list of
// test/deploy/iam-allow-list.ts.
'use strict';

/** The ARN of objects under `path` (no leading "/") in the data bucket. */
const objects = (bucket, path) => ({
  'Fn::Sub': [`arn:\${AWS::Partition}:s3:::\${Bucket}/${path}`, { Bucket: bucket }],
});

/**
 * forward-results' OCSF statements (under the WritesOcsf condition): its own <prefix>/ocsf/
 * objects, and with security-lake the two provider roles, nothing else of it.
 */
function ocsfStatements({ bucket, prefix, providerRoles }) {
  return [
    {
      Sid: 'ReadWriteOwnOcsf',
      Effect: 'Allow',
      Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
      Resource: objects(bucket, `${prefix}/ocsf/*`),
    },
    ...(providerRoles === undefined
      ? []
      : [
          {
            Sid: 'AssumeSecurityLakeProviderRoles',
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Resource: providerRoles,
          },
        ]),
  ];
}

module.exports = { objects, ocsfStatements };
