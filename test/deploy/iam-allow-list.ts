import type { CfTemplate, CfValue } from './package-service';

/**
 * The IAM allow-list: every statement each function's role may hold, exactly. A statement added,
 * widened (an action, a resource, a dropped condition) or narrowed fails the deployment test until
 * this list changes with it, in review.
 */
export interface Statement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: CfValue[];
  Condition?: Record<string, CfValue>;
}

/** What the parameters of one packaging run chose. */
export interface Setup {
  /** Every console's secret: `{ Ref: 'ScKeysSecret…' }` for one the stack creates, or the given ARN. */
  secrets: CfValue[];
  /** `{ Ref: 'DataBucket' }` for the stack's own bucket, or the given name. */
  bucket: CfValue;
  /** The bus the sc2aws events travel on: the stack's own (`sc2aws-<stage>`) or the given one. */
  bus: string;
  /** Whether the stack created that bus (and with it the role that copies announcements). */
  ownBus: boolean;
  prefix: string;
  /** The datasets some console exports: pull-analysis may touch only their checkpoints in state/. */
  datasets: string[];
  kmsKeyArn?: string;
  /** Whether X-Ray tracing is on (`tracing=true`): each function may then send its traces. */
  tracing?: boolean;
  /** Subnet and security group ids when the functions run in a VPC. */
  vpc?: { subnets: string[]; securityGroups: string[] };
  /** OCSF_OUTPUT when not `off`; with `security-lake`, the two provider roles it may assume. */
  ocsf?: { output: 'bucket' } | { output: 'security-lake'; providerRoles: string[] };
  /** Whether `securityHubOutput=on`: forward-results imports findings into the account's own product. */
  securityHub?: boolean;
}

/**
 * Statements allowed a `*` resource, and why. Nothing else may have one.
 */
export const WILDCARD_RESOURCE_EXCEPTIONS: Record<string, string> = {
  DescribeVpcNetworkInterfaces: 'EC2 Describe* actions accept only "*"',
  WriteXrayTraces: 'X-Ray PutTraceSegments and PutTelemetryRecords accept only "*"',
};

const getAtt = (id: string, attribute = 'Arn'): CfValue => ({ 'Fn::GetAtt': [id, attribute] });
const objects = (bucket: CfValue, path: string): CfValue => ({
  'Fn::Sub': [`arn:\${AWS::Partition}:s3:::\${Bucket}${path}`, { Bucket: bucket }],
});
/** Objects under one folder of every console's `<prefix>/console=<id>/`. */
const consoleObjects = (bucket: CfValue, prefix: string, folder: string): CfValue =>
  objects(bucket, `/${prefix}/console=*/${folder}`);
const viaService = (...services: string[]): Record<string, CfValue> => {
  const names = services.map((s) => ({ 'Fn::Sub': `${s}.\${AWS::Region}.amazonaws.com` }));
  return { StringEquals: { 'kms:ViaService': names.length === 1 ? (names[0] as CfValue) : names } };
};

export function expectedStatements(setup: Setup): Record<string, Statement[]> {
  const bus: CfValue = {
    'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/${setup.bus}`,
  };
  // Read-only, the four keys that mark a data prefix from before consoles (LAYOUT_LEGACY).
  const detectStateFromBeforeConsoles: Statement = {
    Sid: 'DetectStateFromBeforeConsoles',
    Effect: 'Allow',
    Action: ['s3:GetObject'],
    Resource: ['state/vulns.json', 'state/fixed.json', 'state/assets.json', 'state/lifecycle/root.json'].map(
      (key) => objects(setup.bucket, `/${setup.prefix}/${key}`),
    ),
  };
  const publish: Statement = {
    Sid: 'PublishSc2awsEvents',
    Effect: 'Allow',
    Action: ['events:PutEvents'],
    Resource: [bus],
    Condition: { StringEquals: { 'events:source': 'sc2aws' } },
  };
  const logs = (fn: string): Statement => ({
    Sid: 'WriteOwnLogs',
    Effect: 'Allow',
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    Resource: [getAtt(`${fn}LogGroup`)],
  });
  const dlq = (fn: string): Statement => ({
    Sid: 'SendFailedEventsToDlq',
    Effect: 'Allow',
    Action: ['sqs:SendMessage'],
    Resource: [getAtt(`${fn}Dlq`)],
  });
  const kms = (sid: string, ...services: string[]): Statement[] =>
    setup.kmsKeyArn === undefined
      ? []
      : [
          {
            Sid: sid,
            Effect: 'Allow',
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Resource: [setup.kmsKeyArn],
            Condition: viaService(...services),
          },
        ];
  // The mutations name the interfaces and the given subnets and security groups; those ids are
  // unique, and a shared-VPC subnet belongs to another account, hence "*" for its account.
  const ec2 = (type: string, id: string): CfValue => ({
    'Fn::Sub': `arn:\${AWS::Partition}:ec2:\${AWS::Region}:*:${type}/${id}`,
  });
  const vpc: Statement[] = setup.vpc
    ? [
        {
          Sid: 'DescribeVpcNetworkInterfaces',
          Effect: 'Allow',
          Action: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'],
          Resource: ['*'],
        },
        {
          Sid: 'ManageVpcNetworkInterfaces',
          Effect: 'Allow',
          Action: [
            'ec2:AssignPrivateIpAddresses',
            'ec2:CreateNetworkInterface',
            'ec2:DeleteNetworkInterface',
            'ec2:UnassignPrivateIpAddresses',
          ],
          Resource: [
            {
              'Fn::Sub': `arn:\${AWS::Partition}:ec2:\${AWS::Region}:\${AWS::AccountId}:network-interface/*`,
            },
            ...setup.vpc.subnets.map((id) => ec2('subnet', id)),
            ...setup.vpc.securityGroups.map((id) => ec2('security-group', id)),
          ],
        },
      ]
    : [];
  const xray: Statement[] = setup.tracing
    ? [
        {
          Sid: 'WriteXrayTraces',
          Effect: 'Allow',
          Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
          Resource: ['*'],
        },
      ]
    : [];
  const p = setup.prefix;

  return {
    ValidateKeysRole: [
      logs('ValidateKeys'),
      {
        Sid: 'RotateTheKeySecret',
        Effect: 'Allow',
        Action: [
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:PutSecretValue',
          'secretsmanager:UpdateSecretVersionStage',
        ],
        Resource: setup.secrets,
      },
      publish,
      dlq('ValidateKeys'),
      ...kms('UseKmsKeyForTheSecret', 'secretsmanager'),
      ...vpc,
      ...xray,
    ],
    PullAnalysisRole: [
      logs('PullAnalysis'),
      {
        Sid: 'ReadTheKeySecret',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: setup.secrets,
      },
      {
        // No s3:prefix condition: S3 returns 404 for a missing checkpoint only to callers that may
        // list the bucket, and a prefix condition does not apply to that check.
        Sid: 'ListBucketForMissingCheckpoints',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: [
          { 'Fn::Sub': [`arn:\${AWS::Partition}:s3:::\${Bucket}`, { Bucket: setup.bucket }] } as CfValue,
        ],
      },
      detectStateFromBeforeConsoles,
      {
        // Only the checkpoints of its datasets: state/delivery/ and state/lifecycle/ are
        // forward-results'.
        Sid: 'ReadWriteRawAndCheckpoints',
        Effect: 'Allow',
        Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
        Resource: [
          consoleObjects(setup.bucket, p, 'raw/*'),
          ...setup.datasets.map((d) => consoleObjects(setup.bucket, p, `state/${d}.json`)),
        ],
      },
      publish,
      dlq('PullAnalysis'),
      ...kms('UseKmsKeyForSecretAndBucket', 'secretsmanager', 's3'),
      ...vpc,
      ...xray,
    ],
    ForwardResultsRole: [
      logs('ForwardResults'),
      detectStateFromBeforeConsoles,
      {
        Sid: 'ReadRaw',
        Effect: 'Allow',
        Action: ['s3:GetObject'],
        Resource: [consoleObjects(setup.bucket, p, 'raw/*')],
      },
      {
        Sid: 'ListBucketForMissingDeliveryState',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: [
          { 'Fn::Sub': [`arn:\${AWS::Partition}:s3:::\${Bucket}`, { Bucket: setup.bucket }] } as CfValue,
        ],
      },
      {
        Sid: 'WriteRejected',
        Effect: 'Allow',
        Action: ['s3:AbortMultipartUpload', 's3:PutObject'],
        Resource: [consoleObjects(setup.bucket, p, 'rejected/*')],
      },
      {
        Sid: 'ReadWriteFindingsAndOwnState',
        Effect: 'Allow',
        Action: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject'],
        Resource: [
          consoleObjects(setup.bucket, p, 'findings/*'),
          consoleObjects(setup.bucket, p, 'state/delivery/*'),
          consoleObjects(setup.bucket, p, 'state/lifecycle/*'),
          consoleObjects(setup.bucket, p, 'changes/*'),
          consoleObjects(setup.bucket, p, 'current/*'),
        ],
      },
      publish,
      dlq('ForwardResults'),
      ...(setup.ocsf === undefined
        ? []
        : [
            {
              Sid: 'ReadWriteOwnOcsf',
              Effect: 'Allow',
              Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
              Resource: [consoleObjects(setup.bucket, p, 'ocsf/*')],
            } satisfies Statement,
          ]),
      ...(setup.ocsf?.output === 'security-lake'
        ? [
            {
              // Only the provider roles Security Lake created for the two sources: nothing of the
              // lake itself (those roles hold the write access, with Security Lake's boundary).
              Sid: 'AssumeSecurityLakeProviderRoles',
              Effect: 'Allow',
              Action: ['sts:AssumeRole'],
              Resource: setup.ocsf.providerRoles,
            } satisfies Statement,
          ]
        : []),
      ...(setup.securityHub === true
        ? [
            {
              // The account's own custom-integration product, nothing else of Security Hub.
              Sid: 'ImportFindingsToOwnProduct',
              Effect: 'Allow',
              Action: ['securityhub:BatchImportFindings'],
              Resource: [
                {
                  'Fn::Sub': `arn:\${AWS::Partition}:securityhub:\${AWS::Region}:\${AWS::AccountId}:product/\${AWS::AccountId}/default`,
                },
              ],
            } satisfies Statement,
            {
              Sid: 'ReadWriteOwnSecurityHubState',
              Effect: 'Allow',
              Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'],
              // Each console's ledger, and the one sender lease the consoles share (lib/delivery).
              Resource: [
                consoleObjects(setup.bucket, p, 'state/securityhub/*'),
                objects(setup.bucket, `/${p}/state/securityhub/sender-lease.json`),
              ],
            } satisfies Statement,
          ]
        : []),
      ...kms('UseKmsKeyForBucket', 's3'),
      ...vpc,
      ...xray,
    ],
    // Assumed by EventBridge for the rule that copies announcements from the stack's own bus.
    ...(setup.ownBus
      ? {
          AnnouncementsForwardingRole: [
            {
              Sid: 'PutOnTheDefaultBus',
              Effect: 'Allow',
              Action: ['events:PutEvents'],
              Resource: [
                {
                  'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/default`,
                },
              ],
            } satisfies Statement,
          ],
        }
      : {}),
  };
}

const asArray = (value: CfValue | undefined): CfValue[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const byJson = (a: CfValue, b: CfValue) => JSON.stringify(a).localeCompare(JSON.stringify(b));

/** A statement with Action and Resource as sorted lists, so layout differences do not matter. */
export function normalizeStatement(raw: CfValue): Record<string, CfValue> {
  const s = { ...(raw as Record<string, CfValue>) };
  s.Action = asArray(s.Action).slice().sort(byJson);
  s.Resource = asArray(s.Resource).slice().sort(byJson);
  return s;
}

/**
 * Every statement that reaches a role: its inline policies and any AWS::IAM::RolePolicy naming
 * it, normalized and sorted by Sid.
 */
export function statementsOf(template: CfTemplate, roleId: string): Record<string, CfValue>[] {
  const role = template.Resources[roleId];
  if (role === undefined) throw new Error(`no role ${roleId}`);
  const documents: CfValue[] = asArray(role.Properties.Policies).map(
    (p) => (p as Record<string, CfValue>).PolicyDocument as CfValue,
  );
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::IAM::RolePolicy') continue;
    if (JSON.stringify(resource.Properties.RoleName) === JSON.stringify({ Ref: roleId })) {
      documents.push(resource.Properties.PolicyDocument as CfValue);
    }
  }
  return documents
    .flatMap((d) => asArray((d as Record<string, CfValue>).Statement))
    .map(normalizeStatement)
    .sort((a, b) => String(a.Sid).localeCompare(String(b.Sid)));
}

/** The allow-list in the same normalized, sorted form. */
export function expectedFor(setup: Setup, roleId: string): Record<string, CfValue>[] {
  return (expectedStatements(setup)[roleId] ?? [])
    .map((s) => normalizeStatement(s as unknown as CfValue))
    .sort((a, b) => String(a.Sid).localeCompare(String(b.Sid)));
}
