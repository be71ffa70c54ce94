import { existsSync } from 'node:fs';
import { CONFIG_VARIABLES, configValue } from '#lib/config';
import {
  createPartRunner,
  type DeliveryOutcome,
  type DeliveryProgress,
  type DeliverySettings,
  deliverRun,
  deliveryThreads,
} from '#lib/delivery';
import { codeOf, ErrorCode, parseDocument } from '#lib/errors';
import { createConsoleLogger } from '#lib/logging';
import type { OcsfTarget } from '#lib/ocsf';
import { DEFAULT_OCSF_VERSION, OCSF_VERSIONS } from '#lib/product';
import { type ObjectStore, rawRunManifestSchema, refuseLegacyLayout } from '#lib/sink';
import { datasetsFlag, intFlag, parseFlags } from '../args';
import {
  committedRawRuns,
  type DeliveryFrom,
  type DeliveryTarget,
  deliveryConsole,
  needsDelivery,
  resolveFrom,
} from '../delivery-targets';
import { CliUsageError, DeliveryInterruptedError, ExitCode } from '../exit-codes';
import type { CliIo, StopSignal } from '../io';
import { recordingPublisher } from '../recorded-events';
import { asffTargetFor, SECURITY_HUB_FLAGS, securityHubDeliveryFor } from '../securityhub-output';
import { secondSignal, stopping } from '../stopping';
import { CONSOLE_FLAGS, dataRootFor } from '../stores';

/** Failures that keep their own exit code after parts were written: rerunning as is would not help. */
const NOT_AN_INTERRUPTION: ReadonlySet<ErrorCode> = new Set([
  ErrorCode.CliUsage,
  ErrorCode.RawManifestInvalid,
  ErrorCode.RawPartCorrupt,
  ErrorCode.StateCorrupt,
]);

export const DELIVER_HELP = `Usage: sc2aws deliver --from DIR|s3://bucket/prefix/console=ID/raw/…/_manifest.json|PATH/console=ID/raw/…/_manifest.json
                      [--console ID] [--out DIR|s3://bucket/prefix] [--dataset vulns|fixed|assets|all] [--redeliver]
                      [--threads N] [--plugin-output-max-bytes N] [--ocsf [--ocsf-version V]]
                      [--asff OUTDIR | --securityhub] [--account ID] [--region R] [--severity-floor N]

Runs the forward-results job outside Lambda: raw runs become delivered findings, with the same keys,
bytes, committed lists and dedupe. A stopped delivery continues where it stopped.
Progress goes to stderr; a JSON summary to stdout.

  --from DIR            an export directory ("sc2aws export --out DIR"): delivers every committed raw
                        run of the console in it that has no committed findings yet (or whose delivery
                        stopped midway)
  --from MANIFEST       one raw run's _manifest.json, local or s3://: delivered even if it was before;
                        its console is the folder it lies in (<root>/console=<id>/raw/…)
  --console ID          with a directory: the console whose runs are delivered (default: default);
                        with a manifest: must be the manifest's console if given
  --out DIR|s3://b/p    the data root findings go to, under <out>/console=<id>/ (default: the root
                        --from lies in, beside raw, as the Lambda)
  --dataset D           with a directory: vulns, fixed, assets or all (default all); comma lists work too
  --redeliver           with a directory: deliver runs that were delivered already, too
  --threads N           threads delivering parts side by side, 0–16; 0 = one per core (default 0),
                        1 = this thread only
  --plugin-output-max-bytes N   cap on plugin_output in bytes, 0–1048576 (default 8192)
  --ocsf                also write each delivered run as OCSF Parquet under <out>/console=<id>/ocsf/, committed
                        like findings (what OCSF_OUTPUT=bucket does in the Lambda)
  --ocsf-version V      with --ocsf: the OCSF version of the records, 1.1.0 or 1.3.0 (unset: 1.3.0,
                        as OCSF_OUTPUT=bucket with OCSF_VERSION unset)
  --asff OUTDIR         write the Security Hub batches each run's changes would make, one JSON file
                        per BatchImportFindings call ({"Findings": […]}), instead of sending them
  --securityhub         send each run's changes to Security Hub CSPM (what SECURITY_HUB_OUTPUT=on does),
                        with your AWS credentials; Ctrl-C stops between batches, a rerun continues
  --account ID          the account whose custom-integration product receives the findings (default:
                        the caller's, from STS; with --asff a placeholder, 000000000000)
  --region R            Security Hub's Region (default AWS_REGION; with --asff us-east-1)
  --severity-floor N    SC severity id below which a finding is not sent, 0–4 (default 1: not Info)
  -h, --help            this help

AWS credentials, region and endpoint for s3:// come from the environment, as for "sc2aws export".

Exit codes: 0 done · 3 bad input (missing or invalid manifest, corrupt raw part, bad flags)
            4 S3 unreachable or refusing · 5 failed after writing parts (nothing committed; rerun to resume)
            130 / 143 stopped by Ctrl-C / SIGTERM between parts (the state is saved; rerun to continue)
`;

const FLAGS = {
  ...CONSOLE_FLAGS,
  from: { type: 'string' },
  out: { type: 'string' },
  dataset: { type: 'string' },
  redeliver: { type: 'boolean' },
  threads: { type: 'string' },
  'plugin-output-max-bytes': { type: 'string' },
  ocsf: { type: 'boolean' },
  'ocsf-version': { type: 'string' },
  asff: { type: 'string' },
  securityhub: { type: 'boolean' },
  ...SECURITY_HUB_FLAGS,
  help: { type: 'boolean', short: 'h' },
} as const;

/** The bundle ships part-worker.mjs beside cli.mjs; from source (tests) parts run inline. */
const WORKER_URL = new URL('./part-worker.mjs', import.meta.url);

/** A flag that sets what a forward-results variable sets: its bounds and default are the variable's. */
function deliveryIntFlag(name: 'DELIVERY_THREADS' | 'PLUGIN_OUTPUT_MAX_BYTES', value?: string) {
  const { range, deliverFlag } = CONFIG_VARIABLES[name];
  return intFlag(deliverFlag.replace(/^--/, ''), value, range.min, range.max) ?? configValue({}, name);
}

/**
 * The delivery settings the flags give: what forward-results' variables would give, except that
 * the CLI has no deadline to guard and no continuation chain to bound. `threads` is the setting
 * (0: one per core).
 */
export function deliverySettingsFor(flags: { threads?: string; 'plugin-output-max-bytes'?: string }): {
  delivery: DeliverySettings;
  threads: number;
} {
  return {
    delivery: {
      pluginOutputMaxBytes: deliveryIntFlag('PLUGIN_OUTPUT_MAX_BYTES', flags['plugin-output-max-bytes']),
      timeGuardMs: 0,
      // A user resuming by hand is not bounded.
      maxInvocations: Number.POSITIVE_INFINITY,
    },
    threads: deliveryIntFlag('DELIVERY_THREADS', flags.threads),
  };
}

/**
 * `--ocsf` and `--ocsf-version` as the delivery's OCSF target: the data bucket, in the version the
 * Lambda's OCSF_VERSION would give (checked by the same schema, named by the flag when bad).
 */
export function ocsfTargetFor(flags: { ocsf?: boolean; 'ocsf-version'?: string }): OcsfTarget | undefined {
  const chosen = flags['ocsf-version'];
  if (chosen !== undefined && flags.ocsf !== true)
    throw new CliUsageError('--ocsf-version applies with --ocsf: add --ocsf, or leave --ocsf-version out.');
  if (flags.ocsf !== true) return undefined;
  if (chosen === undefined) return { kind: 'bucket', version: DEFAULT_OCSF_VERSION.bucket };
  const parsed = CONFIG_VARIABLES.OCSF_VERSION.schema.safeParse(chosen.trim());
  if (!parsed.success)
    throw new CliUsageError(
      `--ocsf-version must be one of ${OCSF_VERSIONS.join(', ')} (got "${chosen.slice(0, 40)}"). Example: --ocsf-version 1.1.0`,
    );
  return { kind: 'bucket', version: parsed.data };
}

type RunSummary =
  | ({ status: 'delivered'; rawRows: number; durationMs: number; rowsPerSecond: number } & Omit<
      Extract<DeliveryOutcome, { status: 'delivered' }>,
      'status'
    >)
  | { status: 'interrupted'; dataset: string; runId: string; phase: string; next: number }
  | { status: 'locked'; dataset: string; runId: string; holder: string; expiresAt: string }
  | { status: 'skipped'; dataset: string; runId: string; reason: string };

/** The rows of each raw part, for progress lines; empty when unreadable (the delivery says why). */
async function partRows(source: ObjectStore, key: string): Promise<number[]> {
  const stored = await source.getText(key);
  const parsed = stored === undefined ? undefined : parseDocument(rawRunManifestSchema, stored.body);
  return parsed?.ok ? parsed.value.parts.map((p) => p.rows) : [];
}

/** `sc2aws deliver`: returns the exit code. */
export async function deliverCommand(argv: string[], io: CliIo, stop?: StopSignal): Promise<ExitCode> {
  const flags = parseFlags(argv, FLAGS, 'deliver');
  if (flags.help) {
    io.stdout.write(DELIVER_HELP);
    return ExitCode.Ok;
  }
  if (flags.from === undefined)
    throw new CliUsageError(
      "Missing --from (an export directory, or a raw run's _manifest.json, local or s3://).",
    );
  if (flags.out === 'discard:')
    throw new CliUsageError(
      '--out discard: cannot take a delivery: it reads its findings back to remove duplicates.',
    );
  const { delivery: settings, threads: threadsSetting } = deliverySettingsFor(flags);
  const ocsf = ocsfTargetFor(flags);
  const threads = deliveryThreads(threadsSetting, io.env);
  const datasets = datasetsFlag(flags.dataset);
  const from = await resolveFrom(flags.from, io.env);
  if (from.kind === 'manifest' && (flags.dataset !== undefined || flags.redeliver))
    throw new CliUsageError(
      `--${flags.dataset === undefined ? 'redeliver' : 'dataset'} applies to an export directory; a manifest names one run, which is always delivered.`,
    );
  const outRoot = flags.out === undefined ? from.root : dataRootFor(flags.out, io.env);
  // As the Lambda: a root from before consoles is moved first (sc2aws migrate-layout).
  await refuseLegacyLayout(from.root.store);
  if (outRoot !== from.root) await refuseLegacyLayout(outRoot.store);
  const consoleId = deliveryConsole(from, flags.console);
  const source = from.root.console(consoleId);
  const out = outRoot.console(consoleId);
  const targets = await chooseRuns(
    from,
    from.root.consoleLocation(consoleId),
    out.store,
    datasets,
    flags.redeliver ?? false,
  );
  const securityHub = await securityHubFor(flags, io.env);

  const logger = createConsoleLogger(io.stderr);
  const { events, published } = recordingPublisher(consoleId);
  const stopped = stopping(
    stop,
    io,
    (received) =>
      `stopping after the parts in flight (the state is saved first; ${secondSignal(received)} quits at once)...`,
  );
  const started = Date.now();
  const runs: RunSummary[] = targets.skipped.map((t) => ({
    status: 'skipped',
    dataset: t.dataset,
    runId: t.runId,
    reason: 'already delivered (--redeliver delivers it again)',
  }));
  const runner = createPartRunner(threads, existsSync(WORKER_URL) ? WORKER_URL : undefined);
  let wroteParts = false;
  try {
    for (const target of targets.pending) {
      if (stopped.signal.aborted) break;
      const rows = await partRows(source.store, target.manifestKey);
      const progress = progressLine(io, rows);
      const runStarted = Date.now();
      let outcome: DeliveryOutcome;
      try {
        outcome = await deliverRun(
          {
            store: out.store,
            // The Security Hub sender lease is the deployment's, shared by its consoles, as in the Lambda.
            deploymentStore: outRoot.store,
            source: source.store,
            events,
            logger,
            runner,
            cancel: stopped.signal,
            owner: `cli-${process.pid}`,
            ...(ocsf === undefined ? {} : { ocsf }),
            ...(securityHub === undefined ? {} : { securityHub: securityHub.delivery }),
            onProgress: (p) => {
              wroteParts = true;
              progress(p);
            },
          },
          settings,
          target.manifestKey,
        );
      } catch (err) {
        if (wroteParts && !NOT_AN_INTERRUPTION.has(codeOf(err))) throw new DeliveryInterruptedError(err);
        throw err;
      }
      runs.push(summaryOf(outcome, rows, Date.now() - runStarted));
    }
  } finally {
    await runner.close();
  }
  io.stdout.write(
    `${JSON.stringify({
      from: from.kind === 'manifest' ? source.store.uri(from.manifestKey) : from.root.store.location,
      out: outRoot.store.location,
      consoleId,
      threads,
      durationMs: Date.now() - started,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      runs,
      events: published.map((e) => e.detailType),
      ...(flags.asff === undefined ? {} : { asffFiles: securityHub?.files.length ?? 0 }),
      ...(stopped.signal.aborted ? { interrupted: stopped.received ?? 'SIGINT' } : {}),
    })}\n`,
  );
  if (!stopped.signal.aborted) return ExitCode.Ok;
  io.stderr.write('Stopped. The delivery state is saved: run the same command again to continue.\n');
  return stopped.exitCode();
}

/** `--asff` / `--securityhub`: the delivery's Security Hub output, or none. */
async function securityHubFor(
  flags: {
    asff?: string;
    securityhub?: boolean;
    account?: string;
    region?: string;
    'severity-floor'?: string;
  },
  env: NodeJS.ProcessEnv,
) {
  if (flags.asff === undefined && !flags.securityhub) {
    if (flags.account ?? flags.region ?? flags['severity-floor'])
      throw new CliUsageError('--account, --region and --severity-floor go with --asff or --securityhub.');
    return undefined;
  }
  if (flags.asff !== undefined && flags.securityhub)
    throw new CliUsageError(
      '--asff writes the batches instead of sending them: pass --asff or --securityhub, not both.',
    );
  const severityFloor = intFlag('severity-floor', flags['severity-floor'], 0, 4);
  const target = await asffTargetFor(flags, env, flags.securityhub === true);
  return securityHubDeliveryFor(
    {
      ...(flags.asff === undefined ? {} : { asffDir: flags.asff }),
      label: 'batch',
      target,
      ...(severityFloor === undefined ? {} : { severityFloor }),
    },
    env,
  );
}

/** The runs to deliver and the ones left alone (already delivered, from a directory without --redeliver). */
async function chooseRuns(
  from: DeliveryFrom,
  consoleDirectory: string,
  out: ObjectStore,
  datasets: Parameters<typeof committedRawRuns>[1],
  redeliver: boolean,
): Promise<{ pending: DeliveryTarget[]; skipped: DeliveryTarget[] }> {
  if (from.kind === 'manifest') {
    const [, dataset = '', dt = '', runId = ''] =
      /^raw\/dataset=([^/]+)\/dt=([^/]+)\/run=([^/]+)\//.exec(from.manifestKey) ?? [];
    return {
      pending: [{ dataset, dt, runId, manifestKey: from.manifestKey } as DeliveryTarget],
      skipped: [],
    };
  }
  const pending: DeliveryTarget[] = [];
  const skipped: DeliveryTarget[] = [];
  for (const target of await committedRawRuns(consoleDirectory, datasets)) {
    (redeliver || (await needsDelivery(out, target)) ? pending : skipped).push(target);
  }
  return { pending, skipped };
}

/** One stderr line per part of each phase; in the transform, rows so far and the rate. */
function progressLine(io: CliIo, rows: number[]): (p: DeliveryProgress) => void {
  let phaseStarted = Date.now();
  let phase = '';
  let firstPart = 0;
  return (p) => {
    if (p.phase !== phase) {
      // The transform is timed from the run's start; a resumed one counts only this call's parts.
      if (phase !== '') phaseStarted = Date.now();
      phase = p.phase;
      firstPart = p.done - 1;
    }
    const head = `${p.dataset} ${p.runId}: ${p.phase} part ${p.done}/${p.of}`;
    if (p.phase !== 'transform' || rows.length === 0) {
      io.stderr.write(`${head}\n`);
      return;
    }
    const done = rows.slice(0, p.done).reduce((a, b) => a + b, 0);
    const now = rows.slice(firstPart, p.done).reduce((a, b) => a + b, 0);
    const rate = now / Math.max(0.001, (Date.now() - phaseStarted) / 1000);
    io.stderr.write(`${head}, ${done} rows, ${Math.round(rate)} rows/s\n`);
  };
}

function summaryOf(outcome: DeliveryOutcome, rows: number[], durationMs: number): RunSummary {
  if (outcome.status === 'locked') return outcome;
  if (outcome.status !== 'delivered') {
    const { dataset, runId, phase, next } = outcome;
    return { status: 'interrupted', dataset, runId, phase, next };
  }
  const rawRows = rows.reduce((a, b) => a + b, 0);
  return {
    ...outcome,
    status: 'delivered',
    rawRows,
    durationMs,
    rowsPerSecond: Math.round(rawRows / Math.max(0.001, durationMs / 1000)),
  };
}
