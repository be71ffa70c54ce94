/** Real change runs for the Security Hub tests: delivered rows applied by the real lifecycle. */
import { applyLifecycle } from '#lib/lifecycle';
import {
  createSecurityHubSession,
  type FindingRow,
  findingRowSchema,
  type Pacing,
  readChangePart,
  type SecurityHubSession,
  type SecurityHubSessionOptions,
} from '#lib/securityhub';
import type { ObjectStore } from '#lib/sink';
import type { LogSink } from '#lib/logging';
import { type RowSpec, readObjectLines, storeDeliveredRun } from '#support/lifecycle';
import type { EventPublisher, Sc2awsEvent } from '#lib/events';

export const DAY = 86_400;
export const T0 = 1_767_225_600; // 2026-01-01
export const TARGET = { accountId: '123456789012', region: 'eu-west-1', partition: 'aws' };

/** Applies a delivered run to the lifecycle and returns its committed change manifest's key. */
export async function changeRun(
  store: ObjectStore,
  dataset: 'vulns' | 'fixed',
  windowEnd: number,
  specs: readonly RowSpec[],
  options: { partRows?: number; groupTargetBytes?: number } = {},
): Promise<string> {
  const run = await storeDeliveredRun(store, dataset, windowEnd, specs, options);
  const outcome = await applyLifecycle(
    {
      store,
      shouldStop: () => false,
      ...(options.groupTargetBytes === undefined ? {} : { groupTargetBytes: options.groupTargetBytes }),
    },
    run,
  );
  if (outcome.status !== 'committed') throw new Error('expected the run to be committed');
  return outcome.result.manifestKey;
}

/** The rows of a committed change run, as lib/securityhub reads them. */
export async function changeRows(store: ObjectStore, manifestKey: string): Promise<FindingRow[]> {
  const manifest = JSON.parse((await store.getText(manifestKey))?.body ?? '{}') as {
    parts: { key: string; rows: number; bytes: number; sha256: string; uncompressedBytes: number }[];
  };
  const rows: FindingRow[] = [];
  for (const part of manifest.parts) {
    const key = part.key;
    rows.push(...(await readChangePart(store, { ...part, key })));
  }
  return rows;
}

/** The raw change lines (every column), for what FindingRow does not carry. */
export async function changeLines(store: ObjectStore, manifestKey: string) {
  const manifest = JSON.parse((await store.getText(manifestKey))?.body ?? '{}') as { parts: { key: string }[] };
  const lines = [];
  for (const part of manifest.parts) lines.push(...(await readObjectLines(store, part.key)));
  return lines.map((l) => ({ ...l, parsed: findingRowSchema.parse(l) }));
}

/** A clock that only moves when the code sleeps (or the test moves it). */
export function fakePacing(start = Date.parse('2026-12-01T00:00:00.000Z')) {
  const sleeps: number[] = [];
  const pacing: Pacing & { now: number; sleeps: number[] } = {
    now: start,
    sleeps,
    clock: () => pacing.now,
    sleep: async (ms) => {
      sleeps.push(ms);
      pacing.now += ms;
    },
  };
  return pacing;
}

export const quietLogger: LogSink = { debug() {}, info() {}, warn() {}, error() {} };

/** Events published, kept in order. */
export function recordingEvents() {
  const published: Sc2awsEvent[] = [];
  return {
    published,
    publisher: {
      async publish(event: Sc2awsEvent) {
        published.push(event);
      },
    } satisfies EventPublisher,
  };
}

export function session(
  store: ObjectStore,
  options: Partial<SecurityHubSessionOptions> & Pick<SecurityHubSessionOptions, 'events'>,
): SecurityHubSession {
  return createSecurityHubSession({
    store,
    target: TARGET,
    logger: quietLogger,
    random: () => 1,
    ...options,
  });
}
