import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Env, loadValidateKeysConfigs } from '#lib/config';

/** The settings of a deployment's one console. */
const loadValidateKeysConfig = (env: Env) => loadValidateKeysConfigs(env)[0];

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sc2aws/sc-keys-AbCdEf';
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const base = { SC_URL: 'https://sc.example.com', SC_SECRET_ARN: ARN, EVENT_BUS_NAME: 'sc2aws-prod' };

describe('loadValidateKeysConfig', () => {
  it('reads a minimal environment with defaults', () => {
    expect(loadValidateKeysConfigs(base)).toEqual([
      {
        consoleId: 'default',
        sc: {
          url: 'https://sc.example.com/',
          secretArn: ARN,
          insecureSkipTlsVerify: false,
          keyCacheTtlMs: 300_000,
        },
        eventBusName: 'sc2aws-prod',
      },
    ]);
  });

  it('reads every setting', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sc2aws-config-'));
    await writeFile(join(dir, 'ca.pem'), PEM);
    const config = loadValidateKeysConfig({
      ...base,
      SC_CA_BUNDLE: 'ca.pem',
      LAMBDA_TASK_ROOT: dir,
      SC_INSECURE_SKIP_TLS_VERIFY: 'false',
      SC_KEY_CACHE_TTL_SECONDS: '60',
      SC_EXPECTED_USERNAME: 'svc-sc2aws',
      EVENT_BUS_NAME: 'sc2aws',
    });
    expect(config).toMatchObject({
      sc: { ca: PEM, keyCacheTtlMs: 60_000 },
      expectedUsername: 'svc-sc2aws',
      eventBusName: 'sc2aws',
    });
  });

  it('takes an inline PEM bundle and treats empty strings as unset', () => {
    expect(loadValidateKeysConfig({ ...base, SC_CA_BUNDLE: PEM, SC_EXPECTED_USERNAME: '' })).toMatchObject({
      sc: { ca: PEM.trim() },
    });
  });

  it.each([
    [
      { SC_URL: undefined },
      /^Configuration error: SC_URL is not set\. Example: SC_URL=https:\/\/sc\.example\.com$/,
    ],
    [{ SC_URL: 'http://sc.example.com' }, /SC_URL is not usable: .*unencrypted/],
    [{ SC_SECRET_ARN: 'sc2aws/keys' }, /SC_SECRET_ARN must be a Secrets Manager secret ARN/],
    // No fallback to the default bus: the stack's rules listen on the bus the deployment names.
    [
      { EVENT_BUS_NAME: ' ' },
      /^Configuration error: EVENT_BUS_NAME is not set\. Example: EVENT_BUS_NAME=sc2aws$/,
    ],
    [
      { SC_INSECURE_SKIP_TLS_VERIFY: 'nope' },
      /SC_INSECURE_SKIP_TLS_VERIFY must be true or false \(got "nope"\)\. Example: SC_INSECURE_SKIP_TLS_VERIFY=false/,
    ],
    [{ SC_KEY_CACHE_TTL_SECONDS: '-5' }, /SC_KEY_CACHE_TTL_SECONDS must be a whole number from 0 to 3600/],
    [{ SC_CA_BUNDLE: '/nonexistent/ca.pem' }, /SC_CA_BUNDLE names a file that cannot be read \(ENOENT\)/],
    [{ SC_CA_BUNDLE: '-----BEGIN PRIVATE KEY-----' }, /SC_CA_BUNDLE holds no PEM certificate/],
  ])('rejects %j with one line naming the variable and an example', (override, message) => {
    const attempt = () => loadValidateKeysConfig({ ...base, ...override });
    expect(attempt).toThrow(message);
    expect(attempt).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    try {
      attempt();
    } catch (err) {
      expect((err as Error).message.split('\n')).toHaveLength(1);
    }
  });

  it('never treats "false" as true', () => {
    expect(
      loadValidateKeysConfig({ ...base, SC_INSECURE_SKIP_TLS_VERIFY: 'FALSE' })?.sc.insecureSkipTlsVerify,
    ).toBe(false);
    expect(
      loadValidateKeysConfig({ ...base, SC_INSECURE_SKIP_TLS_VERIFY: '1' })?.sc.insecureSkipTlsVerify,
    ).toBe(true);
  });
});
