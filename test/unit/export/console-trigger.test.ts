import { describe, expect, it } from 'vitest';
import { DetailType } from '#lib/events';
import { type ExportConsole, exportRequestOf } from '#lib/export';
import { consoleOfKeysEvent } from '#lib/rotation';

const CONSOLES: ExportConsole[] = [
  { consoleId: 'default', datasets: ['vulns', 'fixed', 'assets'] },
  { consoleId: 'emea', datasets: ['vulns'] },
];
const ONE: ExportConsole[] = [{ consoleId: 'default', datasets: ['vulns', 'fixed'] }];
const SCHEDULED = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };
const continuation = (detail: Record<string, unknown>) => ({
  source: 'sc2aws',
  'detail-type': DetailType.ExportContinuationRequested,
  detail: { runs: {}, requestedAt: '2026-12-07T10:00:00.000Z', ...detail },
});

describe('the console an export invocation is for', () => {
  it("is the one its schedule rule names, with that console's datasets", () => {
    expect(exportRequestOf({ console: 'emea' }, CONSOLES)).toEqual({
      consoleId: 'emea',
      datasets: ['vulns'],
    });
    expect(exportRequestOf({ console: 'default' }, CONSOLES)).toEqual({
      consoleId: 'default',
      datasets: ['vulns', 'fixed', 'assets'],
    });
  });

  it("is the one a continuation names, with the listed datasets among the console's", () => {
    const event = continuation({ consoleId: 'emea', datasets: ['vulns', 'fixed'] });

    expect(exportRequestOf(event, CONSOLES)).toEqual({ consoleId: 'emea', datasets: ['vulns'] });
  });

  it('is the only console for an event that names none: a schedule without input, a direct call, an older continuation', () => {
    expect(exportRequestOf(SCHEDULED, ONE)).toEqual({ consoleId: 'default', datasets: ['vulns', 'fixed'] });
    expect(exportRequestOf({ datasets: ['fixed'] }, ONE)).toEqual({
      consoleId: 'default',
      datasets: ['fixed'],
    });
    expect(exportRequestOf(continuation({ datasets: ['vulns'] }), ONE)).toEqual({
      consoleId: 'default',
      datasets: ['vulns'],
    });
  });

  it('takes a continuation published before consoles as the default console’s in a deployment of several', () => {
    expect(exportRequestOf(continuation({ datasets: ['fixed'] }), CONSOLES)).toEqual({
      consoleId: 'default',
      datasets: ['fixed'],
    });
  });

  it('refuses an event that names no console when there are several, and a console the deployment does not have', () => {
    expect(() => exportRequestOf(SCHEDULED, CONSOLES)).toThrow(
      'pull-analysis received an event that names no console, and this deployment has several (default, emea)',
    );
    expect(() => exportRequestOf({ console: 'apac' }, CONSOLES)).toThrow(
      expect.objectContaining({
        code: 'EVENT_UNSUPPORTED',
        message: expect.stringContaining(
          'for the console "apac", which this deployment does not have (its consoles: default, emea). Fix:',
        ),
      }),
    );
  });
});

describe('the console a validate-keys invocation is for', () => {
  const KEYS = [
    {
      consoleId: 'default',
      secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sc2aws/sc-keys-AbCdEf',
    },
    {
      consoleId: 'emea',
      secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sc2aws/emea-GhIjKl',
    },
  ];
  const emeaArn = KEYS[1]?.secretArn as string;

  it("is the one whose secret a rotation step or a label change names, by the secret's full ARN", () => {
    const rotation = { Step: 'testSecret', SecretId: emeaArn, ClientRequestToken: 't-1' };
    const label = {
      source: 'aws.secretsmanager',
      'detail-type': 'Secret Label Updated',
      resources: [emeaArn],
      detail: { labelUpdated: 'AWSCURRENT' },
    };

    expect(consoleOfKeysEvent(rotation, KEYS)?.consoleId).toBe('emea');
    expect(consoleOfKeysEvent(label, KEYS)?.consoleId).toBe('emea');
  });

  it('is the one a direct validation names, or the only one', () => {
    expect(consoleOfKeysEvent({ action: 'validate', console: 'emea' }, KEYS)?.consoleId).toBe('emea');
    expect(consoleOfKeysEvent({ action: 'validate' }, KEYS.slice(0, 1))?.consoleId).toBe('default');
  });

  it('is never guessed: a rotation of another secret and a direct call naming no console among several are refused', () => {
    const other = { Step: 'createSecret', SecretId: `${emeaArn}x`, ClientRequestToken: 't-1' };

    expect(() => consoleOfKeysEvent(other, KEYS)).toThrow(
      `This function rotates the secrets of its consoles (default: ${KEYS[0]?.secretArn}, emea: ${emeaArn})`,
    );
    expect(() => consoleOfKeysEvent({ action: 'validate' }, KEYS)).toThrow(
      "validate-keys was asked to validate without naming a console; this deployment's consoles are default, emea",
    );
    expect(() => consoleOfKeysEvent({ action: 'validate', console: 'apac' }, KEYS)).toThrow(
      'the console "apac"',
    );
  });

  it('leaves a label change of a secret no console has to the first console, which ignores it', () => {
    const label = {
      source: 'aws.secretsmanager',
      'detail-type': 'Secret Label Updated',
      resources: ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:other-MnOpQr'],
      detail: { labelUpdated: 'AWSCURRENT' },
    };

    expect(consoleOfKeysEvent(label, KEYS)).toBeUndefined();
  });
});
