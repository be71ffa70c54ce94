import { describe, expect, it } from 'vitest';
import { ConfigError, loadForwardResultsConfig } from '#lib/config';

const BASE = { DATA_BUCKET: 'my-sc2aws-data', EVENT_BUS_NAME: 'sc2aws-prod' };
const LAKE = {
  OCSF_OUTPUT: 'security-lake',
  SECURITY_LAKE_BUCKET: 'aws-security-data-lake-eu-west-1-abc123',
  SECURITY_LAKE_REGION: 'eu-west-1',
  SECURITY_LAKE_ACCOUNT_ID: '123456789012',
  SECURITY_LAKE_EXTERNAL_ID: 'sc2aws-7f3a9c',
  SECURITY_LAKE_FINDINGS_SOURCE: 'sc2awsVulns',
  SECURITY_LAKE_FINDINGS_ROLE_ARN:
    'arn:aws:iam::123456789012:role/AmazonSecurityLake-Provider-sc2awsVulns-eu-west-1',
  SECURITY_LAKE_ASSETS_SOURCE: 'sc2awsHosts/1.0',
  SECURITY_LAKE_ASSETS_ROLE_ARN:
    'arn:aws:iam::123456789012:role/AmazonSecurityLake-Provider-sc2awsHosts-eu-west-1',
};

describe('forward-results OCSF settings', () => {
  it('writes no OCSF unless asked, and writes OCSF 1.3.0 to the bucket with bucket', () => {
    expect(loadForwardResultsConfig(BASE).ocsf).toEqual({ output: 'off' });
    expect(loadForwardResultsConfig({ ...BASE, OCSF_OUTPUT: 'bucket' }).ocsf).toEqual({
      output: 'bucket',
      version: '1.3.0',
    });
  });

  it('writes OCSF 1.1.0 to Security Lake unless OCSF_VERSION says otherwise', () => {
    expect(loadForwardResultsConfig({ ...BASE, ...LAKE }).ocsf).toMatchObject({ version: '1.1.0' });
    expect(loadForwardResultsConfig({ ...BASE, ...LAKE, OCSF_VERSION: '1.3.0' }).ocsf).toMatchObject({
      version: '1.3.0',
    });
    expect(
      loadForwardResultsConfig({ ...BASE, OCSF_OUTPUT: 'bucket', OCSF_VERSION: ' 1.1.0 ' }).ocsf,
    ).toEqual({ output: 'bucket', version: '1.1.0' });
    expect(loadForwardResultsConfig({ ...BASE, OCSF_OUTPUT: 'bucket', OCSF_VERSION: '' }).ocsf).toEqual({
      output: 'bucket',
      version: '1.3.0',
    });
  });

  it.each(['1.3', '1.2.0', 'v1.1.0', 'latest'])(
    'refuses OCSF_VERSION=%s with one line naming the variable, the versions and an example',
    (value) => {
      for (const env of [{ ...BASE, ...LAKE }, { ...BASE, OCSF_OUTPUT: 'bucket' }, BASE]) {
        expect(() => loadForwardResultsConfig({ ...env, OCSF_VERSION: value })).toThrow(ConfigError);
        expect(() => loadForwardResultsConfig({ ...env, OCSF_VERSION: value })).toThrow(
          /^Configuration error: OCSF_VERSION must be one of 1\.1\.0, 1\.3\.0 .*Example: OCSF_VERSION=1\.1\.0$/,
        );
      }
    },
  );

  it('reads every Security Lake setting in security-lake mode', () => {
    expect(loadForwardResultsConfig({ ...BASE, ...LAKE }).ocsf).toEqual({
      output: 'security-lake',
      version: '1.1.0',
      securityLake: {
        bucket: LAKE.SECURITY_LAKE_BUCKET,
        region: 'eu-west-1',
        accountId: '123456789012',
        externalId: 'sc2aws-7f3a9c',
        findings: { sourceName: 'sc2awsVulns', roleArn: LAKE.SECURITY_LAKE_FINDINGS_ROLE_ARN },
        assets: { sourceName: 'sc2awsHosts/1.0', roleArn: LAKE.SECURITY_LAKE_ASSETS_ROLE_ARN },
      },
    });
  });

  it('takes each source as the provider.location create-custom-log-source returned, version folder included', () => {
    const env = {
      ...BASE,
      ...LAKE,
      SECURITY_LAKE_FINDINGS_SOURCE: 's3://aws-security-data-lake-eu-west-1-abc123/ext/sc2awsVulns/1.0/',
      SECURITY_LAKE_ASSETS_SOURCE: 's3://aws-security-data-lake-eu-west-1-abc123/ext/sc2awsHosts/1.0',
    };
    const lake = loadForwardResultsConfig(env).ocsf;
    expect(lake).toMatchObject({
      securityLake: {
        findings: { sourceName: 'sc2awsVulns/1.0' },
        assets: { sourceName: 'sc2awsHosts/1.0' },
      },
    });
  });

  it('refuses a provider.location in another bucket than SECURITY_LAKE_BUCKET, naming both', () => {
    const env = {
      ...BASE,
      ...LAKE,
      SECURITY_LAKE_FINDINGS_SOURCE: 's3://aws-security-data-lake-us-east-1-zzz999/ext/sc2awsVulns/1.0/',
    };
    expect(() => loadForwardResultsConfig(env)).toThrow(
      /^Configuration error: SECURITY_LAKE_FINDINGS_SOURCE is a location in the bucket aws-security-data-lake-us-east-1-zzz999, not in SECURITY_LAKE_BUCKET \(aws-security-data-lake-eu-west-1-abc123\)/,
    );
  });

  it('names the missing Security Lake setting in security-lake mode', () => {
    const env = { ...BASE, ...LAKE, SECURITY_LAKE_ASSETS_ROLE_ARN: '' };
    expect(() => loadForwardResultsConfig(env)).toThrow(ConfigError);
    expect(() => loadForwardResultsConfig(env)).toThrow(
      /SECURITY_LAKE_ASSETS_ROLE_ARN is required when OCSF_OUTPUT is security-lake\. Example: SECURITY_LAKE_ASSETS_ROLE_ARN=arn:aws:iam::/,
    );
  });

  it.each([
    ['OCSF_OUTPUT', 'parquet', /must be one of off, bucket, security-lake/],
    ['SECURITY_LAKE_FINDINGS_ROLE_ARN', 'AmazonSecurityLake-Provider-x', /must be an IAM role ARN/],
    ['SECURITY_LAKE_ACCOUNT_ID', '1234', /12-digit AWS account id, external/],
    [
      'SECURITY_LAKE_FINDINGS_SOURCE',
      'ext/sc2aws vulns',
      /provider\.location as create-custom-log-source returned it/,
    ],
    ['SECURITY_LAKE_FINDINGS_SOURCE', 's3://lake-bucket/sc2awsVulns/1.0/', /provider\.location/],
  ])('refuses %s=%s with one line naming the problem', (name, value, problem) => {
    expect(() => loadForwardResultsConfig({ ...BASE, ...LAKE, [name]: value })).toThrow(problem);
  });
});
