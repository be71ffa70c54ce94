// What each console of the stack gets in CloudFormation (serverless.yml includes it as the
// consoleResources fragment), and what the shared resources need to know about all of them.
// Per console: its key secret (unless the entry names one) with its resource policy, the
// permission for Secrets Manager to call validate-keys as that secret's rotation function (and the
// rotation schedule with rotationLambdaAttached=true), its own schedule rule with the permission to
// start pull-analysis, and an output with the secret's ARN.
// The default console keeps the logical ids and names the stack had before consoles existed, so an
// existing stack updates in place; any other console's ids end in logicalIdSuffix(id).
'use strict';

const { DEFAULT_CONSOLE_ID, logicalIdSuffix } = require('./consoles.cjs');

// EventBridge rule names: 1-64 characters.
const MAX_RULE_NAME = 64;

const getAtt = (id) => ({ 'Fn::GetAtt': [id, 'Arn'] });

/** The ARN of a console's secret: the given one, or a Ref to the one the stack creates. */
const secretArnOf = (c) =>
  c.secretArn === '' ? { Ref: `ScKeysSecret${logicalIdSuffix(c.id)}` } : c.secretArn;

/** The name of the secret the stack creates for a console: today's name for the default console. */
const ownSecretName = (c, { service, stage }) =>
  c.id === DEFAULT_CONSOLE_ID ? `${service}/${stage}/sc-keys` : `${service}/${stage}/${c.id}/sc-keys`;

/**
 * The key secret the stack creates for one console, with its policy. Created empty: the operator
 * puts the first keys in, and stages later ones with `sc2aws keys stage`. Kept when the stack is
 * removed (it holds the keys), and when a change would replace it.
 */
function ownSecret(c, { service, stage, secretKmsKeyId, secretReaders }) {
  const sfx = logicalIdSuffix(c.id);
  const secretId = `ScKeysSecret${sfx}`;

  const scope = sfx === '' ? stage : `${stage}, console ${c.id}`;
  return {
    [secretId]: {
      Type: 'AWS::SecretsManager::Secret',
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        Name: ownSecretName(c, { service, stage }),
        Description:
          `Tenable Security Center API keys for sc2aws (${scope}) as ` +
          '"accesskey=<access key>; secretkey=<secret key>;". No value is set at deploy: put the first keys ' +
          'with put-secret-value, later ones with "sc2aws keys stage".',
        KmsKeyId: secretKmsKeyId,
      },
    },
    // Only the functions that use the keys read them: validate-keys (also the rotation function)
    // and pull-analysis, plus the operators named in secretReaderArns (`sc2aws validate|export
    // --secret-id` read with GetSecretValue). In the stack's own account an identity policy alone
    // would let anyone with secretsmanager:GetSecretValue on "*" read the keys
    // (AdministratorAccess, SecretsManagerReadWrite); the explicit Deny wins over those Allows.
    // Only GetSecretValue is denied: describing, staging (`sc2aws keys stage` puts and rotates,
    // never reads), rotating and changing this policy stay with IAM, so administrators keep
    // managing the secret. BlockPublicPolicy: Secrets Manager refuses any later policy that would
    // open the secret to other accounts. Only for secrets this stack creates; an existing secret's
    // policy is its owner's (README "The keys").
    [`ScKeysSecretPolicy${sfx}`]: {
      Type: 'AWS::SecretsManager::ResourcePolicy',
      Properties: {
        SecretId: { Ref: secretId },
        BlockPublicPolicy: true,
        ResourcePolicy: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'OnlyTheSc2awsFunctionsReadTheKeys',
              Effect: 'Deny',
              Principal: '*',
              Action: 'secretsmanager:GetSecretValue',
              Resource: '*',
              Condition: { ArnNotLike: { 'aws:PrincipalArn': secretReaders } },
            },
          ],
        },
      },
    },
  };
}

/**
 * Rotation of one console's secret (aws-notes §2, README "API key rotation"). Secrets Manager may
 * invoke validate-keys for this secret only (confused-deputy guard); validate-keys finds the
 * console from the secret ARN in the request.
 * The schedule is off by default (rotationLambdaAttached=false). Attaching makes Secrets Manager
 * test the rotation at once by running validate-keys' testSecret step, which needs keys in the
 * secret: deploy, put the first keys, then deploy again with rotationLambdaAttached=true. The
 * schedule only rotates keys that an operator staged (SC generates keys, sc2aws never does), so
 * its default is long. With a KMS key, testSecret decrypts the secret: the KMS statement must
 * exist by then.
 */
function rotation(c, { rotationAttached, rotationSchedule, kmsKey }) {
  const sfx = logicalIdSuffix(c.id);
  const permission = `ValidateKeysRotationPermission${sfx}`;
  return {
    [permission]: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: getAtt('ValidateKeysLambdaFunction'),
        Principal: 'secretsmanager.amazonaws.com',
        SourceAccount: { Ref: 'AWS::AccountId' },
        SourceArn: secretArnOf(c),
      },
    },
    ...(rotationAttached
      ? {
          [`ScKeysRotationSchedule${sfx}`]: {
            Type: 'AWS::SecretsManager::RotationSchedule',
            DependsOn: kmsKey ? [permission, 'ValidateKeysKmsPolicy'] : permission,
            Properties: {
              SecretId: secretArnOf(c),
              RotationLambdaARN: getAtt('ValidateKeysLambdaFunction'),
              RotateImmediatelyOnUpdate: false,
              RotationRules: { ScheduleExpression: rotationSchedule },
            },
          },
        }
      : {}),
  };
}

/** A console's schedule rule name: today's name for the default console, then -<id>. */
const scheduleRuleName = (c, { service, stage }) =>
  `${service}-${stage}-pull-analysis-schedule${c.id === DEFAULT_CONSOLE_ID ? '' : `-${c.id}`}`;

/**
 * One console's schedule (on the default bus, where AWS puts scheduled events): it starts a
 * pull-analysis run for that console, named in the constant input, and sends what it cannot
 * deliver to pull-analysis' dead-letter queue.
 */
function schedule(c, { service, stage, scheduleState }) {
  const sfx = logicalIdSuffix(c.id);
  const rule = `PullAnalysisScheduleRule${sfx}`;
  return {
    [rule]: {
      Type: 'AWS::Events::Rule',
      Properties: {
        Name: scheduleRuleName(c, { service, stage }),
        Description:
          sfx === '' ? 'Starts an sc2aws export run' : `Starts an sc2aws export run of console ${c.id}`,
        ScheduleExpression: c.schedule,
        State: scheduleState,
        Targets: [
          {
            Id: 'pull-analysis',
            Arn: getAtt('PullAnalysisLambdaFunction'),
            Input: JSON.stringify({ console: c.id }),
            DeadLetterConfig: { Arn: getAtt('PullAnalysisDlq') },
          },
        ],
      },
    },
    [`PullAnalysisSchedulePermission${sfx}`]: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: getAtt('PullAnalysisLambdaFunction'),
        Principal: 'events.amazonaws.com',
        SourceArn: getAtt(rule),
      },
    },
  };
}

/** The longest schedule rule name, to refuse one EventBridge would reject at deploy time. */
function longestRuleName(consoles, names) {
  return consoles.map((c) => scheduleRuleName(c, names)).reduce((a, b) => (b.length > a.length ? b : a));
}

/** The CloudFormation fragment of every console: { Resources, Outputs }. */
function consoleResources(consoles, settings) {
  const resources = {};
  const outputs = {};
  for (const c of consoles) {
    if (c.secretArn === '') Object.assign(resources, ownSecret(c, settings));
    Object.assign(resources, rotation(c, settings), schedule(c, settings));
    const sfx = logicalIdSuffix(c.id);
    outputs[`ScKeysSecretArn${sfx}`] = {
      Description:
        sfx === ''
          ? 'Secret holding the SC API keys (stage new keys with sc2aws keys stage)'
          : `Secret holding the SC API keys of console ${c.id} (stage new keys with sc2aws keys stage)`,
      Value: secretArnOf(c),
    };
  }
  return { Resources: resources, Outputs: outputs };
}

/**
 * SC_CONSOLES: the consoles as the Lambdas read them, a JSON list of
 * {id, url, secretArn, caBundle?, datasets, pageSize, severityFloor} (the schedule is the rule's
 * business, not the runtime's). A secret the stack creates is known only at deploy time, so its
 * ARN is spliced into the JSON text with Fn::Join; without one the value is a plain string.
 */
function consolesEnvironment(consoles) {
  const refs = [];
  const marker = (i) => `\u0000${i}\u0000`;
  const json = JSON.stringify(
    consoles.map((c) => ({
      id: c.id,
      url: c.url,
      secretArn: c.secretArn === '' ? marker(refs.push(secretArnOf(c)) - 1) : c.secretArn,
      ...(c.caBundle === '' ? {} : { caBundle: c.caBundle }),
      datasets: c.datasets,
      pageSize: c.pageSize,
      severityFloor: c.severityFloor,
    })),
  );
  if (refs.length === 0) return json;
  // JSON.stringify writes the marker's NUL as \u0000; split the text there.
  const parts = json.split(/\\u0000(\d+)\\u0000/);
  return { 'Fn::Join': ['', parts.map((part, i) => (i % 2 === 1 ? refs[Number(part)] : part))] };
}

module.exports = {
  MAX_RULE_NAME,
  consoleResources,
  consolesEnvironment,
  longestRuleName,
  ownSecretName,
  secretArnOf,
};
