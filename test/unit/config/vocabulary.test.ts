import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CONFIG_VARIABLES,
  type ConfigVariable,
  configValue,
  deploymentVocabulary,
  LAMBDAS,
  loadForwardResultsConfig,
  loadPullAnalysisConfigs,
  type PullAnalysisConfig,
  type VariableName,
} from '#lib/config';
import { DEFAULT_VERSION_STAGE } from '#lib/secrets';
import { REPO_ROOT, readServerlessYml } from '#support/serverless-yml';
import { DELIVER_HELP, deliverySettingsFor } from '../../../cli/commands/deliver';
import { EXPORT_HELP, exportSettingsFor } from '../../../cli/commands/export';
import { VALIDATE_HELP } from '../../../cli/commands/validate';

/**
 * lib/config's table is the one statement of the Lambdas' settings; these tests hold every other
 * place that repeats a default or a rule to it: infra/vocabulary.json (what infra/derived.cjs
 * reads), serverless.yml, the CLI's export flags and help, and the README.
 */

const VARIABLES = Object.entries(CONFIG_VARIABLES) as [VariableName, ConfigVariable][];
const MINIMAL_ENV = {
  SC_URL: 'https://sc.example.com',
  SC_SECRET_ARN: CONFIG_VARIABLES.SC_SECRET_ARN.example,
  DATA_BUCKET: 'my-sc2aws-data',
  EVENT_BUS_NAME: 'sc2aws-prod',
};
const readme = readFileSync(new URL('README.md', REPO_ROOT), 'utf8');

/** A README table's rows whose first cell is a `code` name, as name → the remaining cells. */
function readmeRows(heading: string): Map<string, string[]> {
  const section = readme.split(heading)[1]?.split('\n#')[0] ?? '';
  const rows = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const name = /^`([^`]+)`$/.exec(cells[1] ?? '')?.[1];
    if (name !== undefined) rows.set(name, cells.slice(2, -1));
  }
  return rows;
}

describe('the configuration table', () => {
  it.each(VARIABLES)('%s parses its default and its example', (_name, variable) => {
    for (const value of [variable.default, variable.example]) {
      if (value !== undefined) expect(variable.schema.safeParse(value).success, value).toBe(true);
    }
  });

  it('is what infra/vocabulary.json holds for infra/derived.cjs (run node scripts/vocabulary.mjs when this fails)', () => {
    const written = JSON.parse(readFileSync(new URL('infra/vocabulary.json', REPO_ROOT), 'utf8'));
    expect(written).toEqual(deploymentVocabulary());
  });
});

/**
 * One console's settings: the stack passes them, for every console, inside SC_CONSOLES (README
 * "Several SC consoles"), built by infra/derived.cjs from these parameters or the consoles list.
 */
const IN_SC_CONSOLES: string[] = [
  'SC_URL',
  'SC_SECRET_ARN',
  'SC_CA_BUNDLE',
  'DATASETS',
  'SEVERITY_FLOOR',
  'PAGE_SIZE',
];

describe('serverless.yml', () => {
  const { params, environments } = readServerlessYml();

  it.each(VARIABLES)("params.default holds %s's default", (_name, variable) => {
    expect(params[variable.param]).toBe(variable.default ?? '');
  });

  it.each(VARIABLES)('gives %s to every Lambda that reads it, from its parameter', (name, variable) => {
    for (const fn of variable.readBy) {
      if (IN_SC_CONSOLES.includes(name) || name === 'SC_CONSOLES') {
        if (name !== 'SC_CONSOLES') expect(environments[fn]?.[name], fn).toBeUndefined();
        expect(environments[fn]?.SC_CONSOLES, fn).toMatch(
          /^\$\{file\(infra\/derived\.cjs\):consolesEnvironment\}$/,
        );
        continue;
      }
      expect(environments[fn]?.[name], fn).toMatch(
        new RegExp(`^\\$\\{(param:|self:custom\\.sc2aws\\.)${variable.param}\\}$`),
      );
    }
  });

  it.each(LAMBDAS)('sets no variable for %s that the table does not know', (fn) => {
    const unknown = Object.keys(environments[fn] ?? {}).filter(
      (v) => !(v in CONFIG_VARIABLES) && !v.startsWith('POWERTOOLS_') && v !== 'NODE_OPTIONS',
    );
    expect(unknown).toEqual([]);
  });
});

describe('sc2aws export', () => {
  it('defaults to the settings pull-analysis starts with, without the deadline guard', () => {
    // Prepare
    const lambda = loadPullAnalysisConfigs(MINIMAL_ENV)[0] as PullAnalysisConfig;

    // Act
    const cli = exportSettingsFor({});

    // Assert
    expect(cli).toMatchObject({
      pageSize: lambda.pageSize,
      severityFloor: lambda.severityFloor,
      wasFindings: lambda.wasFindings,
      partSizeBytes: lambda.partSizeBytes,
      overlapSeconds: lambda.overlapSeconds,
      lookbackSeconds: lambda.lookbackSeconds,
      timeGuardMs: 0,
    });
  });

  it.each(VARIABLES.filter(([, v]) => v.flag !== undefined))(
    'states the default and bounds of %s in its help',
    (_name, variable) => {
      const line = EXPORT_HELP.split('\n').find((l) => l.trimStart().startsWith(`${variable.flag} `));
      expect(line, variable.flag).toBeDefined();
      const stated = /\(default ([^)]+)\)/.exec(line ?? '')?.[1] ?? '';
      expect(variable.schema.safeParse(stated).data).toEqual(
        variable.schema.safeParse(variable.default).data,
      );
      const allowed = [variable.range?.min, variable.range?.max, Number(variable.default)];
      const numbers = [...(line ?? '').matchAll(/\d+/g)].map((m) => Number(m[0]));
      expect(numbers.filter((n) => !allowed.includes(n))).toEqual([]);
    },
  );

  it('names the datasets of the table in its help', () => {
    const line = EXPORT_HELP.split('\n').find((l) => l.trimStart().startsWith('--dataset '));
    expect(line).toContain(`${configValue({}, 'DATASETS').join(', ')} or all`);
  });

  it('reads the version stage validate states as its default', () => {
    expect(VALIDATE_HELP).toContain(`${DEFAULT_VERSION_STAGE} (default)`);
  });
});

describe('sc2aws deliver', () => {
  it.each(VARIABLES.filter(([, v]) => v.deliverFlag !== undefined))(
    'states the default and bounds of %s in its help',
    (_name, variable) => {
      const line = DELIVER_HELP.split('\n').find((l) => l.trimStart().startsWith(`${variable.deliverFlag} `));
      expect(line, variable.deliverFlag).toBeDefined();
      const stated = /\(default ([^)]+)\)/.exec(line ?? '')?.[1] ?? '';
      expect(variable.schema.safeParse(stated).data).toEqual(
        variable.schema.safeParse(variable.default).data,
      );
      const allowed = [variable.range?.min, variable.range?.max, Number(variable.default)];
      const numbers = [...(line ?? '').matchAll(/\d+/g)].map((m) => Number(m[0]));
      expect(numbers.filter((n) => !allowed.includes(n))).toEqual([]);
    },
  );

  it('defaults to the settings forward-results delivers with, without the deadline guard', () => {
    // Prepare
    const lambda = loadForwardResultsConfig(MINIMAL_ENV);

    // Act
    const cli = deliverySettingsFor({});

    // Assert
    expect(cli).toEqual({
      delivery: {
        pluginOutputMaxBytes: lambda.pluginOutputMaxBytes,
        timeGuardMs: 0,
        maxInvocations: Infinity,
      },
      threads: lambda.deliveryThreads,
    });
  });
});

describe('README', () => {
  it.each(VARIABLES)('lists %s with its default, its readers and its parameter', (name, variable) => {
    const cells = readmeRows('### Lambda environment').get(name);
    const stated = variable.required
      ? '— (required)'
      : variable.default === undefined
        ? 'unset'
        : `\`${variable.default}\``;
    const readers = variable.readBy.length === LAMBDAS.length ? 'all' : variable.readBy.join(', ');
    expect(cells?.slice(0, 3)).toEqual([stated, readers, `\`${variable.param}\``]);
  });

  it("states serverless.yml's default of every deployment parameter", () => {
    const rows = readmeRows('### Parameters');
    for (const [param, value] of Object.entries(readServerlessYml().params)) {
      const stated = rows.get(param)?.[0] ?? '(missing)';
      if (value === '') expect(stated, param).toMatch(/^(— \(required\)|empty)/);
      else expect(stated, param).toBe(`\`${value}\``);
    }
  });
});
