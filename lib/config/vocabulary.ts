import { DATASETS, OCSF_VERSIONS } from '#lib/product';
import {
  AWS_REGION,
  BUCKET_NAME,
  CONSOLE_ID,
  EVENT_BUS_NAME,
  EXTERNAL_ID,
  IAM_ROLE_ARN,
  KMS_KEY_ARN,
  SECRET_ARN,
  SECURITY_LAKE_ACCOUNT,
  SECURITY_LAKE_SOURCE,
  type ValueRule,
} from './rules';
import { OCSF_OUTPUTS, SECURITY_HUB_OUTPUTS } from './schemas';

/**
 * What infra/derived.cjs checks the deployment parameters with, as plain JSON.
 *
 * derived.cjs is CommonJS that the Serverless Framework runs at package and deploy time; it cannot
 * load TypeScript. Rather than a second hand-written copy of the rules held equal by a test, the
 * rules stay here and scripts/vocabulary.mjs writes them to infra/vocabulary.json, which
 * derived.cjs reads: a rule changes in one place, and a test fails while the JSON is stale.
 *
 * @example
 * ```ts
 * writeFileSync('infra/vocabulary.json', `${JSON.stringify(deploymentVocabulary(), null, 2)}\n`);
 * ```
 */
export function deploymentVocabulary() {
  const rule = ({ pattern, problem, example }: ValueRule) => ({ pattern: pattern.source, problem, example });
  return {
    $comment: 'Written by scripts/vocabulary.mjs from lib/config; do not edit.',
    datasets: [...DATASETS],
    ocsfOutputs: [...OCSF_OUTPUTS],
    ocsfVersions: [...OCSF_VERSIONS],
    securityHubOutputs: [...SECURITY_HUB_OUTPUTS],
    rules: {
      secretArn: rule(SECRET_ARN),
      kmsKeyArn: rule(KMS_KEY_ARN),
      dataBucketName: rule(BUCKET_NAME),
      eventBusName: rule(EVENT_BUS_NAME),
      awsRegion: rule(AWS_REGION),
      iamRoleArn: rule(IAM_ROLE_ARN),
      securityLakeSource: rule(SECURITY_LAKE_SOURCE),
      securityLakeAccount: rule(SECURITY_LAKE_ACCOUNT),
      externalId: rule(EXTERNAL_ID),
      consoleId: rule(CONSOLE_ID),
    },
  };
}
