/**
 * The value rules the Lambdas' environment, the CLI and the deployment parameters share, each
 * written once. infra/derived.cjs (plain CommonJS run by the Serverless Framework) reads them from
 * infra/vocabulary.json, which scripts/vocabulary.mjs writes from ./vocabulary.ts.
 */

/** A rule for one kind of value: what it must match, what to say when it does not, a good value. */
export interface ValueRule {
  pattern: RegExp;
  problem: string;
  example: string;
}

/** aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-eusc, … */
const PARTITION = 'aws(?:-[a-z]+)*';
/** eu-west-1, us-gov-west-1, cn-north-1, … */
const REGION = '[a-z]{2}(?:-[a-z]+)+-\\d{1,2}';
const ACCOUNT = '\\d{12}';
/** EventBridge bus names: letters, digits and `._-/`, up to 256. */
const BUS_NAME = '[A-Za-z0-9._\\-/]{1,256}';

export const AWS_REGION: ValueRule = {
  pattern: new RegExp(`^${REGION}$`),
  problem: 'must be an AWS region',
  example: 'eu-west-1',
};

/**
 * `arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<6 characters>`. Only the full
 * ARN, with the random suffix Secrets Manager appends to the name, names one secret: the rotation
 * events and the IAM statements compare it as it is, so a partial ARN would match neither.
 */
export const SECRET_ARN: ValueRule = {
  pattern: new RegExp(
    `^arn:${PARTITION}:secretsmanager:${REGION}:${ACCOUNT}:secret:[A-Za-z0-9/_+=.@-]{1,512}-[A-Za-z0-9]{6}$`,
  ),
  problem: 'must be a Secrets Manager secret ARN with its 6-character suffix',
  example: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sc2aws/prod/sc-keys-AbCdEf',
};

/**
 * A key ARN, not an alias: the IAM statements of infra/kms-policies.yml grant on it, and a grant
 * on an alias ARN does not reach the key.
 */
export const KMS_KEY_ARN: ValueRule = {
  pattern: new RegExp(`^arn:${PARTITION}:kms:${REGION}:${ACCOUNT}:key/[A-Za-z0-9-]+$`),
  problem: 'must be a KMS key ARN (not an alias)',
  example: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
};

/** S3 bucket names: 3–63 lowercase letters, digits, dots and hyphens, starting and ending alphanumeric. */
export const BUCKET_NAME: ValueRule = {
  pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
  problem: 'must be an S3 bucket name',
  example: 'my-sc2aws-data',
};

/** The deployment takes the bus by name (serverless.yml builds its ARN). */
export const EVENT_BUS_NAME: ValueRule = {
  pattern: new RegExp(`^${BUS_NAME}$`),
  problem: 'must be an event bus name, not an ARN',
  example: 'default',
};

/** A Lambda's environment may name the bus or give its ARN (PutEvents takes either). */
export const EVENT_BUS: ValueRule = {
  pattern: new RegExp(`^(?:arn:${PARTITION}:events:${REGION}:${ACCOUNT}:event-bus/)?${BUS_NAME}$`),
  problem: 'must be an EventBridge bus name or ARN',
  example: 'sc2aws',
};

/** An IAM role ARN, as Security Lake names a custom source's provider role. */
export const IAM_ROLE_ARN: ValueRule = {
  pattern: new RegExp(`^arn:${PARTITION}:iam::${ACCOUNT}:role/[A-Za-z0-9+=,.@_/-]{1,512}$`),
  problem: 'must be an IAM role ARN',
  example: 'arn:aws:iam::123456789012:role/AmazonSecurityLake-Provider-sc2awsVulns-eu-west-1',
};

/**
 * A Security Lake custom source: its `provider.location` exactly as create-custom-log-source
 * returned it (`s3://<lake bucket>/ext/<source>/<version>/`, the version folder included), or the
 * part of it after `ext/`. Source names: letters, digits, `_-:.`, up to 64; versions up to 32.
 */
export const SECURITY_LAKE_SOURCE: ValueRule = {
  pattern:
    /^(?:s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/ext\/)?[A-Za-z0-9_\-:.]{1,64}(?:\/[A-Za-z0-9_\-.]{1,32})?\/?$/,
  problem:
    "must be the source's provider.location as create-custom-log-source returned it (s3://<lake bucket>/ext/<source>/<version>/), or the part after ext/",
  example: 's3://aws-security-data-lake-eu-west-1-abc123/ext/sc2awsVulns/1.0/',
};

/** The `accountId=` partition: an AWS account id, or `external` / `external_<id>` for data from outside AWS. */
export const SECURITY_LAKE_ACCOUNT: ValueRule = {
  pattern: /^(?:\d{12}|external(?:_[A-Za-z0-9-]{1,64})?)$/,
  problem: 'must be a 12-digit AWS account id, external, or external_<id>',
  example: '123456789012',
};

/** An STS external id: 2–1224 characters of letters, digits and `+=,.@:/-_`. */
export const EXTERNAL_ID: ValueRule = {
  pattern: /^[A-Za-z0-9+=,.@:/_-]{2,1224}$/,
  problem:
    'must be the external id the custom sources were registered with (2-1224 letters, digits, +=,.@:/-_)',
  example: 'sc2aws-7f3a9c',
};

/**
 * A console's id (README "Several SC consoles"): 1–16 lowercase letters, digits and inner hyphens.
 * It names the console's `console=<id>` folder in every key, its schedule rule and its Athena
 * partition, so it stays short, stable and safe in all three.
 */
export const CONSOLE_ID: ValueRule = {
  pattern: /^[a-z0-9](?:[a-z0-9-]{0,14}[a-z0-9])?$/,
  problem: 'must be 1-16 lowercase letters, digits and inner hyphens',
  example: 'emea',
};
