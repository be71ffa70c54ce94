import { CONFIG_VARIABLES, ConfigError, configValue } from '#lib/config';
import { codeOf, ErrorCode } from '#lib/errors';
import { type ExportSettings, type ExportSummary, exportDatasets, exportSettings } from '#lib/export';
import { createConsoleLogger } from '#lib/logging';
import { noMetrics } from '#lib/metrics';
import { WAS_FINDINGS, type WasFindings } from '#lib/product';
import { refuseLegacyLayout } from '#lib/sink';
import { createScClient } from '#lib/tenable';
import { datasetsFlag, intFlag, parseFlags, regionFlag, SC_FLAGS, scConnectionFlags } from '../args';
import { CliUsageError, ExitCode, ExportInterruptedError } from '../exit-codes';
import type { CliIo, StopSignal } from '../io';
import { keysFlagsOf, resolveKeys } from '../keys-input';
import { recordingPublisher } from '../recorded-events';
import { secondSignal, stopping } from '../stopping';
import { CONSOLE_FLAGS, consoleFlag, dataRootFor } from '../stores';

/** Failures that keep their own exit code even after pages arrived: rerunning as is would not help. */
const NOT_AN_INTERRUPTION: ReadonlySet<ErrorCode> = new Set([
  ErrorCode.ScKeysRejected,
  ErrorCode.ScApiKeysDisabled,
  ErrorCode.ScConfig,
  ErrorCode.CliUsage,
]);

export const EXPORT_HELP = `Usage: sc2aws export --url URL (--keys-env VAR | --keys-file FILE | --secret-id ID [--version-stage S])
                     --out DIR|s3://bucket/prefix [--console ID] [--dataset vulns|fixed|assets|all] [--since ISO-8601]
                     [--page-size N] [--severity-floor N] [--part-size-mb N] [--max-page-mb N]
                     [--was-findings exclude|include|only] [--ca-file PEM] [--insecure]

Runs the pull-analysis job outside Lambda: the same windows, checkpoints, layout and manifests.
Progress goes to stderr; a JSON summary to stdout.

  --url URL             SC base address, e.g. https://sc.example.com
  --keys-env/--keys-file/--secret-id/--version-stage/--region   the API keys, as in "sc2aws validate"
  --out DIR|s3://b/p    the data root, as the Lambdas' data prefix: a local directory or S3; runs
                        and state land under <out>/console=<id>/ (the Lambda's layout);
                        discard: throws parts away (for measuring the export alone)
  --console ID          the SC console this export is for (default: default); its own cursor,
                        runs and state, so --out s3://<data bucket>/<prefix> continues its Lambda
  --dataset D           vulns, fixed, assets or all (default all); comma lists work too
  --since ISO-8601      start a new run's window here instead of at the checkpoint (e.g. 2026-11-01T00:00:00Z)
  --page-size N         rows per SC page, 100–5000 (default 1000)
  --severity-floor N    lowest severity exported, 0 Info … 4 Critical (default 1)
  --part-size-mb N      roll output parts at this many MiB uncompressed (default 64)
  --max-page-mb N       refuse an SC page larger than this many MiB, 1–512 (default 64)
  --was-findings W      web-application-scanning findings: exclude, include or only (default exclude)
  --ca-file PEM         trust this CA bundle for SC
  --insecure            skip TLS certificate checks (prefer --ca-file)
  -h, --help            this help

Exit codes: 0 done · 2 keys rejected · 3 bad input · 4 SC unreachable/TLS/transient
            5 the export failed after partial writes (the checkpoint did not move; rerun to resume)
            130 / 143 stopped by Ctrl-C / SIGTERM at a safe point (what was read is stored; rerun to resume)
`;

const FLAGS = {
  ...SC_FLAGS,
  ...CONSOLE_FLAGS,
  out: { type: 'string' },
  dataset: { type: 'string' },
  since: { type: 'string' },
  'page-size': { type: 'string' },
  'severity-floor': { type: 'string' },
  'part-size-mb': { type: 'string' },
  'max-page-mb': { type: 'string' },
  'was-findings': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * A flag that sets what a Lambda variable sets (`--page-size` and PAGE_SIZE): its bounds and its
 * default are the variable's.
 */
function sharedIntFlag(
  name: 'PAGE_SIZE' | 'SEVERITY_FLOOR' | 'PART_SIZE_MB' | 'SC_MAX_PAGE_MB',
  value: string | undefined,
): number {
  const { flag, range } = CONFIG_VARIABLES[name];
  return intFlag(flag.replace(/^--/, ''), value, range.min, range.max) ?? configValue({}, name);
}

/** `--was-findings`: the WAS_FINDINGS variable's values, `exclude` by default. */
function wasFindingsFlag(value: string | undefined): WasFindings {
  try {
    return configValue({ WAS_FINDINGS: value }, 'WAS_FINDINGS');
  } catch (err) {
    throw err instanceof ConfigError
      ? new CliUsageError(`--was-findings must be ${WAS_FINDINGS.join(', ')} (got "${value?.slice(0, 40)}").`)
      : err;
  }
}

/**
 * The export settings the flags give: what the Lambda's variables would give (the overlap and the
 * first window's length have no flags), except that the CLI has no deadline to guard.
 */
export function exportSettingsFor(
  flags: {
    'page-size'?: string;
    'severity-floor'?: string;
    'part-size-mb'?: string;
    'was-findings'?: string;
  },
  since?: number,
): ExportSettings {
  return exportSettings({
    severityFloor: sharedIntFlag('SEVERITY_FLOOR', flags['severity-floor']),
    wasFindings: wasFindingsFlag(flags['was-findings']),
    pageSize: sharedIntFlag('PAGE_SIZE', flags['page-size']),
    overlapSeconds: configValue({}, 'OVERLAP_MINUTES') * 60,
    lookbackSeconds: configValue({}, 'FIRST_RUN_LOOKBACK_DAYS') * 86400,
    partSizeBytes: sharedIntFlag('PART_SIZE_MB', flags['part-size-mb']) * 1024 * 1024,
    timeGuardMs: 0,
    // One process, no continuation chain: a user resuming by hand is not bounded.
    maxInvocations: Number.POSITIVE_INFINITY,
    ...(since === undefined ? {} : { since }),
  });
}

function parseSince(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms)) {
    throw new CliUsageError(
      `--since must be an ISO-8601 date or time (got "${value.slice(0, 40)}"), e.g. 2026-11-01T00:00:00Z.`,
    );
  }
  return Math.floor(ms / 1000);
}

/** `sc2aws export`: returns the exit code. */
export async function exportCommand(argv: string[], io: CliIo, stop?: StopSignal): Promise<ExitCode> {
  const flags = parseFlags(argv, FLAGS, 'export');
  if (flags.help) {
    io.stdout.write(EXPORT_HELP);
    return ExitCode.Ok;
  }
  if (flags.out === undefined) throw new CliUsageError('Missing --out (a directory, or s3://bucket/prefix).');
  const datasets = datasetsFlag(flags.dataset);
  const since = parseSince(flags.since);
  const consoleId = consoleFlag(flags.console);
  const root = dataRootFor(flags.out, io.env);
  const { store, bucket } = root.console(consoleId);
  const settings = exportSettingsFor(flags, since);
  const connection = {
    ...(await scConnectionFlags(flags)),
    maxPageBytes: sharedIntFlag('SC_MAX_PAGE_MB', flags['max-page-mb']) * 1024 * 1024,
  };
  const region = regionFlag(flags.region);
  // As the Lambda: a root from before consoles is moved first, or this console would start afresh.
  if (flags.out !== 'discard:') await refuseLegacyLayout(root.store);
  const keys = await resolveKeys(keysFlagsOf(flags, region), io);
  const logger = createConsoleLogger(io.stderr);
  const sc = createScClient(connection, { keys: keys.provider, logger });
  const { events, published } = recordingPublisher(consoleId);
  const started = Date.now();
  let lastLine = 0;
  let pagesFetched = 0;
  let summary: ExportSummary;
  // Ctrl-C or kill: stop at the next safe point, keep what is stored, record where to resume.
  const stopped = stopping(
    stop,
    io,
    (received) =>
      `stopping at the next safe point (the rows read so far are stored first; ${secondSignal(received)} quits at once)...`,
  );
  try {
    summary = await exportDatasets(
      {
        sc,
        consoleId,
        store,
        events,
        logger,
        metrics: noMetrics,
        clock: Date.now,
        remainingMs: () => Number.POSITIVE_INFINITY,
        owner: `cli-${process.pid}`,
        cancel: stopped.signal,
        ...(bucket === undefined ? {} : { bucket }),
        onProgress: ({ dataset, rows, totalHint }) => {
          pagesFetched += 1;
          const now = Date.now();
          if (now - lastLine < 1000) return;
          lastLine = now;
          const rate = rows / Math.max(0.001, (now - started) / 1000);
          const eta =
            totalHint === undefined
              ? ''
              : `, ETA ${Math.max(0, Math.round((totalHint - rows) / Math.max(1, rate)))} s`;
          io.stderr.write(`${dataset}: ${rows} rows, ${Math.round(rate)} rows/s${eta}\n`);
        },
      },
      settings,
      datasets,
    );
  } catch (err) {
    // Rejected keys and bad input keep their own exit codes; anything else after data started
    // flowing is a partial export.
    if (pagesFetched > 0 && !NOT_AN_INTERRUPTION.has(codeOf(err))) {
      throw new ExportInterruptedError(err);
    }
    throw err;
  } finally {
    await sc.close();
  }
  io.stdout.write(
    `${JSON.stringify({
      out: root.store.location,
      consoleId,
      durationMs: Date.now() - started,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      datasets: summary.outcomes,
      events: published.map((e) => e.detailType),
      ...(summary.interrupted ? { interrupted: stopped.received ?? 'SIGINT' } : {}),
    })}\n`,
  );
  if (!summary.interrupted) return ExitCode.Ok;
  io.stderr.write(
    'Stopped. What was read is stored and the cursor recorded: run the same command again to resume.\n',
  );
  return stopped.exitCode();
}
