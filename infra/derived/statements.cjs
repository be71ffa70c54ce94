// IAM statements that depend on the parameters, for infra/roles.yml. Each is in the allow-list of
// test/deploy/iam-allow-list.ts.
'use strict';

/** The ARN of objects under `path` (no leading "/") in the data bucket. */
const objects = (bucket, path) => ({
  'Fn::Sub': [`arn:\${AWS::Partition}:s3:::\${Bucket}/${path}`, { Bucket: bucket }],
});

// Objects under `folder` of every console, <prefix>/console=<any id>/<folder> (infra/roles.yml says
// why one pattern for all).
const consoleObjects = (bucket, prefix, folder) => objects(bucket, `${prefix}/console=*/${folder}`);

/**
 * forward-results' OCSF statements (under the WritesOcsf condition): each console's ocsf/
 * objects, and with security-lake the two provider roles, nothing else of it.
 */
function ocsfStatements({ bucket, prefix, providerRoles }) {
  return [
    {
      Sid: 'ReadWriteOwnOcsf',
      Effect: 'Allow',
      Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
      Resource: consoleObjects(bucket, prefix, 'ocsf/*'),
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

/**
 * pull-analysis' data, in each console's folder: its raw/ objects and the checkpoint of each
 * dataset some console exports (`state/<dataset>.json`, which also holds the run's lease and
 * cursor). The rest of state/ is forward-results': state/delivery/ and state/lifecycle/.
 */
function pullAnalysisObjects({ bucket, prefix, datasets }) {
  return [
    consoleObjects(bucket, prefix, 'raw/*'),
    ...datasets.map((d) => consoleObjects(bucket, prefix, `state/${d}.json`)),
  ];
}

/**
 * Network interfaces for functions in a VPC (only with subnetIds/securityGroupIds, under the HasVpc
 * condition). The Describe calls accept only "*". Creating, deleting and (un)assigning addresses
 * name the interfaces and the given subnets and security groups: Lambda makes its interfaces in
 * this account, in those subnets, with those groups. The subnet and group ARNs take any account
 * (their ids are unique) because shared-VPC subnets belong to the VPC owner's account. The actions
 * are those of the managed AWSLambdaVPCAccessExecutionRole, without its logs:* on "*".
 */
function vpcStatements({ subnets, securityGroups }) {
  const ec2 = (type, id) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:ec2:\${AWS::Region}:*:${type}/${id}` });
  return [
    {
      Sid: 'DescribeVpcNetworkInterfaces',
      Effect: 'Allow',
      Action: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'],
      Resource: '*',
    },
    {
      Sid: 'ManageVpcNetworkInterfaces',
      Effect: 'Allow',
      Action: [
        'ec2:CreateNetworkInterface',
        'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses',
        'ec2:UnassignPrivateIpAddresses',
      ],
      Resource: [
        { 'Fn::Sub': `arn:\${AWS::Partition}:ec2:\${AWS::Region}:\${AWS::AccountId}:network-interface/*` },
        ...subnets.map((id) => ec2('subnet', id)),
        ...securityGroups.map((id) => ec2('security-group', id)),
      ],
    },
  ];
}

module.exports = { objects, ocsfStatements, pullAnalysisObjects, vpcStatements };
