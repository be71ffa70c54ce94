import { execFile } from 'node:child_process';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ScanRecord } from '#sim';
import { startAwsFake } from './aws-fake';
import { CONSOLES, scConsolesOf, startConsoles } from './consoles';
import { type Cycle, endCycle } from './cycles';
import { LocalLambdas } from './lambdas';
import { printReport } from './print-report';
import { buildReport } from './report';
import { startLocalS3 } from './s3';
import { buildSecurityHubReport, printSecurityHubReport } from './securityhub-report';

/** The lowest severity exported (SEVERITY_FLOOR); the scan between the cycles changes only such findings. */
const SEVERITY_FLOOR = 1;
/** What each SC's scan between the two cycles changes. */
const SCAN = { newFindings: 12, fixed: 10, reopened: 6, recast: 4 } as const;

/**
 * `npm run demo`: the whole product on loopback, with the bundled Lambda artifacts and real event
 * shapes — one deployment serving two SC consoles (two simulators, HTTPS, a generated CA each, with
 * overlapping addresses) into one bucket, s3rver as S3, and a fake of the Secrets Manager and
 * EventBridge HTTP APIs. No AWS account, no network.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      report: { type: 'string' },
      securityhub: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      'Usage: npm run demo [-- --out DIR] [--report FILE] [--securityhub]\n' +
        '  --securityhub  also SECURITY_HUB_OUTPUT=on, against a local stand-in for Security Hub: prints the\n' +
        '                 ASFF of one new, one fixed and one reopened finding\n',
    );
    return 0;
  }
  const started = Date.now();
  // Node 20 is what this machine runs; the Lambda runs Node 24. The SDK's notice is not news here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const say = (line: string) =>
    process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}\n`);
  const out = resolve(values.out ?? '.sc2aws/demo');
  const dist = resolve(dirname(fileURLToPath(import.meta.url)));
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });

  say(
    `Starting two SC simulators as the consoles ${CONSOLES.map((c) => c.id).join(' and ')} (HTTPS on 127.0.0.1, a CA each), s3rver, and the Secrets Manager/EventBridge fake…`,
  );
  const s3 = await startLocalS3(join(out, 's3rver'), 'sc2aws-demo');
  const aws = await startAwsFake();
  const consoles = await startConsoles(aws, out);
  const [rotated] = consoles;
  if (rotated === undefined) throw new Error('The demo has no console.');
  // A short deadline for pull-analysis: each page costs 4 s of its simulated 60 s, so with the
  // 5 s guard an invocation stops after about 13 pages and hands off to a continuation.
  const lambdas = new LocalLambdas(
    dist,
    aws,
    {
      'validate-keys': { startMs: 60_000, perCallMs: 0 },
      'pull-analysis': { startMs: 60_000, perCallMs: 4_000 },
      'forward-results': { startMs: 900_000, perCallMs: 0 },
    },
    say,
  );
  try {
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: aws.endpoint,
      // s3rver stores aws-chunked framing verbatim otherwise (aws-notes §3).
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // One deployment, two consoles: each entry its URL, secret, CA, severity floor and page size
      // (small pages and a short deadline, so a continuation happens and is visible).
      SC_CONSOLES: scConsolesOf(consoles, { pageSize: 100, severityFloor: SEVERITY_FLOOR }),
      DATA_BUCKET: s3.bucket,
      EVENT_BUS_NAME: 'sc2aws-demo',
      DATA_PREFIX: 'sc2aws',
      TIME_GUARD_SECONDS: '5',
      // Every delivered run is also written as OCSF 1.3 Parquet under <prefix>/console=<id>/ocsf/.
      OCSF_OUTPUT: 'bucket',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      POWERTOOLS_METRICS_DISABLED: 'true',
      // --securityhub: each change run also goes to Security Hub (BatchImportFindings on the fake).
      ...(values.securityhub
        ? { SECURITY_HUB_OUTPUT: 'on', AWS_ENDPOINT_URL_SECURITYHUB: aws.endpoint }
        : {}),
    });

    say(
      `1. Keys: each console's first pair goes in as AWSCURRENT of its own secret; then an operator regenerates ${rotated.id}'s keys in SC and stages them.`,
    );
    for (const c of consoles)
      c.secret.put(`accesskey=${c.sim.keys.accessKey}; secretkey=${c.sim.keys.secretKey};`, ['AWSCURRENT']);
    await lambdas.load();
    await lambdas.drain();
    const first = new Map(consoles.map((c) => [c.id, { ...c.sim.keys }]));
    const fresh = rotated.sim.control.regenerateKeys();
    const keysFile = join(out, 'new-keys');
    await writeFile(keysFile, `accesskey=${fresh.accessKey}; secretkey=${fresh.secretKey};\n`, {
      mode: 0o600,
    });
    await chmod(keysFile, 0o600);
    say(`   $ sc2aws keys stage --secret-id <${rotated.id}'s secret> --url … --keys-file new-keys --rotate`);
    const staged = await runCli(join(dist, 'cli.mjs'), [
      'keys',
      'stage',
      ...[
        '--secret-id',
        rotated.secret.arn,
        '--url',
        rotated.sim.url,
        '--ca-file',
        rotated.caFile,
        '--keys-file',
        keysFile,
        '--rotate',
      ],
    ]);
    for (const line of staged.trim().split('\n')) say(`   ${line}`);
    await lambdas.drain();
    await rm(keysFile);

    const cycles = new Map<string, Cycle[]>(consoles.map((c) => [c.id, []]));
    const scheduleCycle = async () => {
      // Each console's schedule rule sends its constant input, {"console":"<id>"}.
      for (const c of consoles) lambdas.enqueue('pull-analysis', { console: c.id }, `schedule (${c.id})`);
      await lambdas.drain();
      for (const c of consoles) {
        const before = cycles.get(c.id) ?? [];
        before.push(await endCycle({ console: c.id, sim: c.sim, s3, aws, before }));
      }
    };
    say(
      "2. Cycle 1: pull-analysis on each console's schedule (small pages, short deadline) and forward-results on each run; the lifecycle takes each console's baseline:",
    );
    await scheduleCycle();

    // Findings the first cycle delivered, so the second must report them fixed, reopened or recast.
    const scans = new Map<string, ScanRecord>();
    for (const c of consoles) {
      const since = Math.max(
        ...(cycles.get(c.id)?.[0]?.runs ?? [])
          .filter((r) => r.dataset !== 'assets')
          .map((r) => r.window.start),
      );
      const scan = c.sim.control.scan({ ...SCAN, since, minSeverity: SEVERITY_FLOOR });
      scans.set(c.id, scan);
      say(
        `3. SC ${c.id} scans again: ${SCAN.newFindings} new, ${SCAN.fixed} fixed, ${SCAN.reopened} reopened and ${SCAN.recast} recast findings, at ${new Date(scan.at * 1000).toISOString()}.`,
      );
    }
    say(
      "4. Cycle 2: each console's schedule fires again; each window starts an overlap before its checkpoint:",
    );
    await scheduleCycle();

    say('5. Report');
    const report = await buildReport({
      consoles: consoles.map((c) => ({
        id: c.id,
        cycles: cycles.get(c.id) ?? [],
        scan: scans.get(c.id) as ScanRecord,
      })),
      s3,
      aws,
      lambdas,
      out,
      keys: [...first.values(), fresh],
    });
    printReport(report, (line) => process.stdout.write(`${line}\n`));
    const securityHub = values.securityhub ? buildSecurityHubReport(aws.securityHubImports) : undefined;
    if (securityHub !== undefined)
      printSecurityHubReport(securityHub, (line) => process.stdout.write(`${line}\n`));
    if (values.report !== undefined)
      await writeFile(values.report, `${JSON.stringify({ ...report, securityHub }, null, 2)}\n`);
    say(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s. Outputs: ${join(out, 'bucket')}`);
    const securityHubOk =
      securityHub === undefined || (securityHub.invalid === 0 && securityHub.samples.length === 3);
    return report.ok && securityHubOk ? 0 : 1;
  } finally {
    await aws.close();
    await s3.close();
    await Promise.all(consoles.map((c) => c.sim.close()));
  }
}

function runCli(cli: string, args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(process.execPath, [cli, ...args], { env: process.env }, (err, stdout, stderr) => {
      if (err) reject(new Error(`sc2aws ${args.slice(0, 2).join(' ')} failed: ${stderr.trim()}`));
      else resolvePromise(stdout);
    });
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`demo failed: ${(err as Error).message}\n`);
    process.exitCode = 1;
  },
);
