import { readFileSync } from 'node:fs';

export const REPO_ROOT = new URL('../../', import.meta.url);

/** What the configuration tests need from serverless.yml, read without a YAML library. */
export interface ServerlessSettings {
  /** `params.default`, quotes removed. */
  params: Record<string, string>;
  /** Each function's environment (the provider's plus its own), by the function's folder name. */
  environments: Record<string, Record<string, string>>;
}

/**
 * Reads the plain `key: value` maps of serverless.yml by indentation. The file keeps them flat
 * (one scalar a line), so this needs no parser and no dependency.
 */
export function readServerlessYml(): ServerlessSettings {
  const lines = readFileSync(new URL('serverless.yml', REPO_ROOT), 'utf8').split('\n');
  const params = mapUnder(lines, ['params', 'default']);
  const provider = mapUnder(lines, ['provider', 'environment']);
  const environments: Record<string, Record<string, string>> = {};
  for (const fn of Object.keys(mapUnder(lines, ['functions']))) {
    const own = mapUnder(lines, ['functions', fn, 'environment']);
    environments[own.POWERTOOLS_SERVICE_NAME ?? fn] = { ...provider, ...own };
  }
  return { params, environments };
}

/** The `key: value` lines directly under a path of keys (values of nested maps are ''). */
function mapUnder(lines: string[], path: string[]): Record<string, string> {
  let from = 0;
  let indent = -2;
  for (const key of path) {
    const at = lines.findIndex(
      (line, i) => i >= from && indentOf(line) === indent + 2 && line.trim().startsWith(`${key}:`),
    );
    if (at < 0) throw new Error(`serverless.yml has no ${path.join('.')}`);
    from = at + 1;
    indent += 2;
  }
  const map: Record<string, string> = {};
  for (const line of lines.slice(from)) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const depth = indentOf(line);
    if (depth <= indent) break;
    if (depth !== indent + 2) continue;
    const match = /^\s*([\w-]+):\s*(.*)$/.exec(line);
    if (match?.[1] !== undefined) map[match[1]] = unquote(match[2] ?? '');
  }
  return map;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function unquote(value: string): string {
  const quoted = /^'(.*)'$/.exec(value) ?? /^"(.*)"$/.exec(value);
  return quoted?.[1] ?? value;
}
