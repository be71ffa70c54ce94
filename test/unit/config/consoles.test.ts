import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  type Env,
  loadForwardResultsConfig,
  loadPullAnalysisConfigs,
  loadValidateKeysConfigs,
} from '#lib/config';

const arn = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:sc2aws/${name}-AbCdEf`;
const SHARED: Env = { DATA_BUCKET: 'my-sc2aws-data', EVENT_BUS_NAME: 'sc2aws-prod' };
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

const withConsoles = (consoles: unknown, extra: Env = {}): Env => ({
  ...SHARED,
  SC_CONSOLES: typeof consoles === 'string' ? consoles : JSON.stringify(consoles),
  ...extra,
});

describe('the consoles of a deployment', () => {
  it("are one console, default, set by today's variables when SC_CONSOLES is unset", () => {
    // Prepare
    const env = {
      ...SHARED,
      SC_URL: 'https://sc.example.com',
      SC_SECRET_ARN: arn('sc-keys'),
      DATASETS: 'vulns',
    };

    // Act
    const pull = loadPullAnalysisConfigs(env);

    // Assert
    expect(pull).toHaveLength(1);
    expect(pull[0]).toMatchObject({
      consoleId: 'default',
      sc: { url: 'https://sc.example.com/', secretArn: arn('sc-keys') },
      datasets: ['vulns'],
    });
    expect(loadValidateKeysConfigs(env).map((c) => c.consoleId)).toEqual(['default']);
    expect(loadForwardResultsConfig(SHARED).consoleIds).toEqual(['default']);
  });

  it('read each entry as its own URL, secret, CA, datasets, page size and severity floor', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'sc2aws-consoles-'));
    await writeFile(join(dir, 'emea.pem'), PEM);
    const env = withConsoles(
      [
        { id: 'default', url: 'https://sc.example.com', secretArn: arn('sc-keys') },
        {
          id: 'emea',
          url: 'https://sc-emea.example.com:8443',
          secretArn: arn('emea/sc-keys'),
          caBundle: 'emea.pem',
          datasets: ['vulns', 'assets'],
          pageSize: 500,
          severityFloor: '3',
        },
      ],
      { LAMBDA_TASK_ROOT: dir, OVERLAP_MINUTES: '15' },
    );

    // Act
    const [first, emea] = loadPullAnalysisConfigs(env);

    // Assert: each its own; what the consoles share (the overlap, the bucket) is the same for both.
    expect(first).toMatchObject({
      consoleId: 'default',
      datasets: ['vulns', 'fixed', 'assets'],
      pageSize: 1000,
    });
    expect(first?.sc.ca).toBeUndefined();
    expect(emea).toMatchObject({
      consoleId: 'emea',
      sc: { url: 'https://sc-emea.example.com:8443/', secretArn: arn('emea/sc-keys'), ca: PEM },
      datasets: ['vulns', 'assets'],
      pageSize: 500,
      severityFloor: 3,
      overlapSeconds: 900,
      output: { bucket: 'my-sc2aws-data' },
    });
    expect(loadValidateKeysConfigs(env).map((c) => [c.consoleId, c.sc.secretArn])).toEqual([
      ['default', arn('sc-keys')],
      ['emea', arn('emea/sc-keys')],
    ]);
    expect(loadForwardResultsConfig(env).consoleIds).toEqual(['default', 'emea']);
  });

  const emea = { id: 'emea', url: 'https://sc-emea.example.com', secretArn: arn('emea/sc-keys') };
  it.each([
    ['JSON that does not parse', withConsoles('[{"id":'), 'SC_CONSOLES is not JSON'],
    ['an empty list', withConsoles([]), 'SC_CONSOLES must be a JSON list of at least one console'],
    [
      'an entry that is not an object',
      withConsoles(['emea']),
      'entry 1: must be an object with id, url and secretArn',
    ],
    [
      'an id outside the rule',
      withConsoles([{ ...emea, id: 'EMEA West' }]),
      'entry 1 ("EMEA West"): id must be 1-16 lowercase letters, digits and inner hyphens (got "EMEA West")',
    ],
    [
      'two entries with one id',
      withConsoles([emea, { ...emea, url: 'https://other.example.com' }]),
      'entry 2 ("emea"): repeats the id of an earlier entry; ids are unique',
    ],
    [
      'an unknown field',
      withConsoles([{ ...emea, schedul: 'rate(1 hour)' }]),
      'entry 1 ("emea"): has an unknown field "schedul" (known: id, url, secretArn, caBundle, datasets, pageSize, severityFloor)',
    ],
    [
      'a missing url',
      withConsoles([{ id: 'emea', secretArn: arn('x') }]),
      'entry 1 ("emea"): url is not set',
    ],
    [
      'an http url',
      withConsoles([{ ...emea, url: 'http://sc.example.com' }]),
      'entry 1 ("emea"): url is not usable',
    ],
    [
      'a partial secret ARN',
      withConsoles([{ ...emea, secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sc-keys' }]),
      'entry 1 ("emea"): secretArn must be a Secrets Manager secret ARN with its 6-character suffix',
    ],
    [
      'a page size out of range',
      withConsoles([{ ...emea, pageSize: 5 }]),
      'entry 1 ("emea"): pageSize must be a whole number from 100 to',
    ],
    [
      'an unknown dataset',
      withConsoles([{ ...emea, datasets: ['vulns', 'plugins'] }]),
      'entry 1 ("emea"): datasets',
    ],
    [
      'a CA file that cannot be read',
      withConsoles([{ ...emea, caBundle: 'certs/missing.pem' }]),
      'entry 1 ("emea"): caBundle names a file that cannot be read (ENOENT)',
    ],
    [
      "a console's variable beside the list",
      withConsoles([emea], { SC_URL: 'https://sc.example.com' }),
      "SC_CONSOLES is set together with SC_URL: a console's settings belong in its entry",
    ],
  ])('refuse %s with one line naming the entry and the field', (_label, env, message) => {
    // Act
    const load = () => loadPullAnalysisConfigs(env);

    // Assert
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(message);
    try {
      load();
    } catch (err) {
      expect((err as Error).message.split('\n')).toHaveLength(1);
      expect((err as ConfigError).variable).toBe('SC_CONSOLES');
    }
  });

  it('refuse a bad entry in forward-results too, which reads only the ids', () => {
    expect(() => loadForwardResultsConfig(withConsoles([emea, emea]))).toThrow(
      'repeats the id of an earlier entry',
    );
    expect(() => loadValidateKeysConfigs(withConsoles([{ ...emea, secretArn: 'x' }]))).toThrow(
      'entry 1 ("emea"): secretArn',
    );
  });
});
