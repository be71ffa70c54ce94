import { DEFAULT_CONSOLE_ID } from '#lib/product';
import { ConfigError, configValue, type Env } from './env';
import { CONSOLE_ID } from './rules';
import { CONFIG_VARIABLES } from './variables';

/**
 * The consoles of a deployment (README "Several SC consoles"). `SC_CONSOLES` lists them as JSON;
 * without it the deployment has one console, `default`, set by today's variables. Each entry's
 * fields are the variables of one console, checked by the same rules: an entry is read as the
 * environment with those variables replaced, so a console's URL, secret, CA, datasets, page size and
 * severity floor mean exactly what SC_URL, SC_SECRET_ARN, … mean.
 */

/** Entry field → the variable it stands for. */
const ENTRY_FIELDS = {
  url: 'SC_URL',
  secretArn: 'SC_SECRET_ARN',
  caBundle: 'SC_CA_BUNDLE',
  datasets: 'DATASETS',
  pageSize: 'PAGE_SIZE',
  severityFloor: 'SEVERITY_FLOOR',
} as const;
type EntryField = keyof typeof ENTRY_FIELDS;
const PER_CONSOLE_VARIABLES = Object.values(ENTRY_FIELDS);

/** One console: its id and the environment its settings are read from. */
export interface ConsoleEnv {
  id: string;
  env: Env;
  /** Its position in SC_CONSOLES; absent for the one console of today's variables. */
  index?: number;
}

const example = () => CONFIG_VARIABLES.SC_CONSOLES.example;

function entryError(index: number, id: unknown, problem: string): ConfigError {
  const named = typeof id === 'string' && id !== '' ? ` ("${id.slice(0, 40)}")` : '';
  return new ConfigError('SC_CONSOLES', `entry ${index + 1}${named}: ${problem}`, example());
}

function fieldText(index: number, id: string, field: EntryField, value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (field === 'datasets' && Array.isArray(value) && value.every((d) => typeof d === 'string')) {
    return value.join(',');
  }
  if ((field === 'pageSize' || field === 'severityFloor') && typeof value === 'number') return String(value);
  if (typeof value === 'string') return value;
  throw entryError(
    index,
    id,
    `${field} must be ${field === 'datasets' ? 'a list of dataset names' : 'text'}`,
  );
}

function parseList(text: string): unknown[] {
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    throw new ConfigError('SC_CONSOLES', 'is not JSON', example());
  }
  if (!Array.isArray(list) || list.length === 0) {
    throw new ConfigError('SC_CONSOLES', 'must be a JSON list of at least one console', example());
  }
  return list;
}

/**
 * The consoles of the deployment, each with the environment its settings are read from. Refuses
 * SC_CONSOLES together with a per-console variable (SC_URL, …), a malformed entry, an unknown field
 * and two entries with one id, each with one line naming the entry.
 *
 * @example
 * ```ts
 * for (const { id, env } of consoleEnvs(process.env)) console.log(id, configValue(env, 'SC_URL'));
 * ```
 */
export function consoleEnvs(env: Env): ConsoleEnv[] {
  const listed = configValue(env, 'SC_CONSOLES');
  if (listed === undefined) return [{ id: DEFAULT_CONSOLE_ID, env }];
  const both = PER_CONSOLE_VARIABLES.find((name) => (env[name]?.trim() ?? '') !== '');
  if (both !== undefined) {
    throw new ConfigError(
      'SC_CONSOLES',
      `is set together with ${both}: a console's settings belong in its entry (fix: move ${both} into the entries, or unset SC_CONSOLES)`,
      example(),
    );
  }
  const seen = new Set<string>();
  return parseList(listed).map((entry, index) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      throw entryError(index, undefined, 'must be an object with id, url and secretArn');
    }
    const { id, ...fields } = entry as Record<string, unknown>;
    if (typeof id !== 'string' || !CONSOLE_ID.pattern.test(id)) {
      throw entryError(index, id, `id ${CONSOLE_ID.problem} (got "${String(id).slice(0, 40)}")`);
    }
    if (seen.has(id)) throw entryError(index, id, 'repeats the id of an earlier entry; ids are unique');
    seen.add(id);
    const consoleEnv: Record<string, string | undefined> = { ...env, SC_CONSOLES: undefined };
    for (const [field, value] of Object.entries(fields)) {
      if (!(field in ENTRY_FIELDS)) {
        throw entryError(
          index,
          id,
          `has an unknown field "${field.slice(0, 40)}" (known: id, ${Object.keys(ENTRY_FIELDS).join(', ')})`,
        );
      }
      consoleEnv[ENTRY_FIELDS[field as EntryField]] = fieldText(index, id, field as EntryField, value);
    }
    return { id, env: consoleEnv, index };
  });
}

/**
 * Reads one console's settings with `read`, turning a bad value into an error naming the entry
 * and its field rather than the variable the field stands for.
 */
export function readConsole<T>(entry: ConsoleEnv, read: (env: Env) => T): T {
  try {
    return read(entry.env);
  } catch (err) {
    if (!(err instanceof ConfigError) || entry.index === undefined) throw err;
    const field = Object.entries(ENTRY_FIELDS).find(([, variable]) => variable === err.variable);
    if (field === undefined) throw err;
    throw entryError(entry.index, entry.id, `${field[0]} ${err.problem}`);
  }
}
