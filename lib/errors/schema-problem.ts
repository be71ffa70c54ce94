/**
 * One schema issue, as zod reports it (structural, so this folder needs no zod import). zod/mini
 * loads no locale, so its own messages are a bare "Invalid input": the problem is phrased here.
 */
export interface SchemaIssue {
  readonly code?: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly expected?: string;
  readonly values?: readonly unknown[];
  readonly minimum?: unknown;
  readonly maximum?: unknown;
  /** What a size limit applies to: `number`, `string` (its length), `array` (its items). */
  readonly origin?: string;
}

/** What a reader is given back: the parsed value, or what is wrong with the text in one line. */
export type ParsedDocument<T> = { ok: true; value: T } | { ok: false; problem: string };

/** The part of a zod schema {@link parseDocument} uses. */
export interface DocumentSchema<T> {
  safeParse(
    input: unknown,
  ): { success: true; data: T } | { success: false; error: { issues: readonly SchemaIssue[] } };
}

const MAX_PROBLEM_CHARS = 200;

/**
 * Parses JSON text against a schema: for readers of our own objects (state, manifests), which wrap
 * the problem in their own typed error that names the object.
 *
 * @example
 * ```ts
 * const parsed = parseDocument(exportStateSchema, stored.body);
 * if (!parsed.ok) throw new StateCorruptError(uri, parsed.problem);
 * ```
 */
export function parseDocument<T>(schema: DocumentSchema<T>, text: string): ParsedDocument<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'it is not JSON' };
  }
  const parsed = schema.safeParse(json);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, problem: schemaProblem(parsed.error.issues, json) };
}

/**
 * The first issue in one short line: where (`checkpoint.end`, `parts[0].rows`) and what is wrong
 * (`must be a number, not a string`); `wholeName` names the input itself when it is at fault. Only the types of the values found are named, never the
 * values: the input may be anything, a forged event included.
 */
export function schemaProblem(
  issues: readonly SchemaIssue[],
  input: unknown,
  wholeName = 'the document',
): string {
  const issue = issues[0];
  if (issue === undefined) return `${wholeName} does not have the expected shape`;
  const where = issue.path.length === 0 ? wholeName : pathText(issue.path);
  const found = valueAt(input, issue.path);
  let what: string;
  switch (issue.code) {
    case 'invalid_type':
      what =
        found === undefined
          ? 'is missing'
          : `must be ${withArticle(issue.expected ?? 'another type')}, not ${withArticle(typeName(found))}`;
      break;
    case 'invalid_value':
      what = `must be ${(issue.values ?? []).map((v) => JSON.stringify(v)).join(' or ')}`;
      break;
    case 'too_small':
      what = `must be at least ${String(issue.minimum)}${unitOf(issue.origin)}`;
      break;
    case 'too_big':
      what = `must be at most ${String(issue.maximum)}${unitOf(issue.origin)}`;
      break;
    case 'invalid_union':
      what = found === undefined ? 'is missing' : 'is none of the accepted kinds';
      break;
    default:
      what = 'is not valid';
  }
  const problem = `${where} ${what}`;
  return problem.length > MAX_PROBLEM_CHARS ? `${problem.slice(0, MAX_PROBLEM_CHARS - 1)}…` : problem;
}

function unitOf(origin: string | undefined): string {
  if (origin === 'string') return ' characters long';
  if (origin === 'array') return ' items long';
  return '';
}

function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((step, i) => (typeof step === 'number' ? `[${step}]` : `${i === 0 ? '' : '.'}${String(step)}`))
    .join('')
    .slice(0, 80);
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let at = input;
  for (const step of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<PropertyKey, unknown>)[step];
  }
  return at;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function withArticle(type: string): string {
  if (type === 'int') return 'an integer';
  if (type === 'null' || type === 'undefined') return type;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
