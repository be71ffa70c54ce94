import { spawn } from 'node:child_process';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const OSLS = join(REPO, 'node_modules/osls/bin/serverless.js');

/**
 * The HOME of every packaging run: osls keeps only its schema-validator cache there (~3 s of CPU to
 * build, keyed by osls's version and the schema, written to a temporary file and renamed into place),
 * so the runs of all the packaging test files share one, inside node_modules like other tools'
 * caches, and never touch the user's own. The first run of a test run builds it.
 */
const OSLS_HOME = join(REPO, 'node_modules/.cache/sc2aws-osls-home');

/** A CloudFormation value: literals, arrays, and objects such as `{ Ref }` or `{ 'Fn::Sub' }`. */
export type CfValue = string | number | boolean | null | CfValue[] | { [key: string]: CfValue };
export interface CfResource {
  Type: string;
  Condition?: string;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  Properties: Record<string, CfValue>;
}
export interface CfTemplate {
  Conditions?: Record<string, CfValue>;
  Resources: Record<string, CfResource>;
  Outputs?: Record<string, CfValue>;
}

export interface PackageRun {
  code: number | null;
  output: string;
  durationMs: number;
  /** The template as written, with its Conditions and Fn::If. */
  template?: CfTemplate;
  /** The template as CloudFormation would create it: conditions applied, AWS::NoValue removed. */
  effective?: CfTemplate;
  /** File names inside each function's zip, by zip name (`validateKeys.zip`). */
  zips: Record<string, string[]>;
}

export interface PackageOptions {
  /**
   * Parameters of one stage written into the snapshot's serverless.yml (`params: { <stage>: … }`),
   * the way an operator keeps them out of the command line; values may be lists and objects.
   */
  stageParams?: { stage: string; params: Record<string, unknown> };
}

/** Adds a `params.<stage>` block next to `params.default` (JSON is YAML's flow style). */
async function addStageParams(file: string, { stage, params }: NonNullable<PackageOptions['stageParams']>) {
  const yml = await readFile(file, 'utf8');
  const lines = Object.entries(params).map(([name, value]) => `    ${name}: ${JSON.stringify(value)}`);
  const withStage = yml.replace(/^params:\n/m, `params:\n  ${stage}:\n${lines.join('\n')}\n`);
  if (withStage === yml) throw new Error('serverless.yml has no params: block');
  await writeFile(file, withStage);
}

/**
 * Runs `serverless package` (the pinned osls) offline on a snapshot of the service: serverless.yml,
 * infra/ and the bundles in dist/functions (plus certs/ if present) are copied into `workDir`, so a
 * build running elsewhere cannot change the files half-way. HOME is {@link OSLS_HOME} and TMPDIR
 * is inside `workDir`; the AWS credentials are fake, telemetry is off, and a preload makes any
 * network connection throw.
 */
export async function packageService(
  workDir: string,
  args: string[],
  options: PackageOptions = {},
): Promise<PackageRun> {
  const service = join(workDir, 'service');
  const tmp = join(workDir, 'tmp');
  const out = join(workDir, 'out');
  await Promise.all([mkdir(OSLS_HOME, { recursive: true }), mkdir(tmp, { recursive: true })]);
  await cp(join(REPO, 'serverless.yml'), join(service, 'serverless.yml'));
  if (options.stageParams !== undefined)
    await addStageParams(join(service, 'serverless.yml'), options.stageParams);
  await cp(join(REPO, 'infra'), join(service, 'infra'), { recursive: true });
  await cp(join(REPO, 'dist/functions'), join(service, 'dist/functions'), { recursive: true });
  await cp(join(REPO, 'certs'), join(service, 'certs'), { recursive: true }).catch(() => undefined);
  const noNetwork = join(workDir, 'no-network.cjs');
  await writeFile(
    noNetwork,
    `const net = require('node:net');
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const target = args[0];
  if (target && typeof target === 'object' && typeof target.path === 'string') return connect.apply(this, args);
  throw new Error('network access during serverless package: ' + JSON.stringify(target));
};
`,
  );

  const started = performance.now();
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--require', noNetwork, OSLS, 'package', '--package', out, ...args],
      {
        cwd: service,
        env: {
          PATH: process.env.PATH,
          HOME: OSLS_HOME,
          TMPDIR: tmp,
          SLS_TELEMETRY_DISABLED: '1',
          AWS_ACCESS_KEY_ID: 'x',
          AWS_SECRET_ACCESS_KEY: 'y',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
    });
    child.stderr.on('data', (d) => {
      text += d;
    });
    child.on('error', reject);
    child.on('close', (exit) => resolve({ code: exit, output: text }));
  });
  const durationMs = performance.now() - started;
  if (code !== 0) return { code, output, durationMs, zips: {} };

  const template = JSON.parse(
    await readFile(join(out, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as CfTemplate;
  const zips: Record<string, string[]> = {};
  for (const name of await readdir(out)) {
    if (name.endsWith('.zip')) zips[name] = zipEntryNames(await readFile(join(out, name)));
  }
  return { code, output, durationMs, template, effective: effectiveTemplate(template), zips };
}

/** Names in a zip's central directory (enough to check what a function ships). */
export function zipEntryNames(zip: Buffer): string[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip file');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('bad zip central directory');
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names.sort();
}

const NO_VALUE = Symbol('AWS::NoValue');

/**
 * Applies the template's conditions the way CloudFormation does: resources and outputs whose
 * condition is false disappear, Fn::If picks its branch, and AWS::NoValue removes the property or
 * list item. osls resolves the parameters at package time, so every condition compares literals.
 */
export function effectiveTemplate(template: CfTemplate): CfTemplate {
  const conditions = template.Conditions ?? {};
  const results = new Map<string, boolean>();
  const condition = (name: string): boolean => {
    const known = results.get(name);
    if (known !== undefined) return known;
    const definition = conditions[name];
    if (definition === undefined) throw new Error(`unknown condition ${name}`);
    const value = evaluate(definition);
    results.set(name, value);
    return value;
  };
  const evaluate = (expression: CfValue): boolean => {
    const [fn, args] = Object.entries(expression as Record<string, CfValue[]>)[0] ?? [];
    if (fn === 'Condition') return condition(String(args));
    if (fn === 'Fn::Not') return !evaluate((args as CfValue[])[0] as CfValue);
    if (fn === 'Fn::And') return (args as CfValue[]).every(evaluate);
    if (fn === 'Fn::Or') return (args as CfValue[]).some(evaluate);
    if (fn === 'Fn::Equals') {
      const [a, b] = args as CfValue[];
      if (typeof a === 'object' || typeof b === 'object') throw new Error(`non-literal condition ${fn}`);
      return String(a) === String(b);
    }
    throw new Error(`unsupported condition function ${fn}`);
  };
  const apply = (value: CfValue): CfValue | typeof NO_VALUE => {
    if (Array.isArray(value)) {
      return value.map(apply).filter((v): v is CfValue => v !== NO_VALUE);
    }
    if (value !== null && typeof value === 'object') {
      if (value.Ref === 'AWS::NoValue') return NO_VALUE;
      const fnIf = value['Fn::If'];
      if (Array.isArray(fnIf)) {
        const [name, whenTrue, whenFalse] = fnIf as [string, CfValue, CfValue];
        return apply(condition(name) ? whenTrue : whenFalse);
      }
      const out: Record<string, CfValue> = {};
      for (const [key, item] of Object.entries(value)) {
        const applied = apply(item);
        if (applied !== NO_VALUE) out[key] = applied;
      }
      return out;
    }
    return value;
  };
  const resources: Record<string, CfResource> = {};
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Condition !== undefined && !condition(resource.Condition)) continue;
    resources[id] = apply(resource as unknown as CfValue) as unknown as CfResource;
  }
  const outputs: Record<string, CfValue> = {};
  for (const [id, output] of Object.entries(template.Outputs ?? {})) {
    const when = (output as { Condition?: string }).Condition;
    if (when !== undefined && !condition(when)) continue;
    outputs[id] = apply(output) as CfValue;
  }
  return { Resources: resources, Outputs: outputs };
}

/** Logical ids of the resources of one type. */
export function idsOfType(template: CfTemplate, type: string): string[] {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id]) => id)
    .sort();
}
