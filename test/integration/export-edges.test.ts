import { afterEach, describe, expect, it } from 'vitest';
import { ExportInvocationLimitError, exportDataset } from '#lib/export';
import {
  type ExportHarness,
  exportHarness,
  firstWindow,
  readRun,
  simIdentity,
} from '#support/export-harness';

/**
 * The edges of an export (issue 14): a proxy that drops the paging offsets, a server that caps its
 * pages, a run that would continue forever, a caller that cancels. Each ends in a typed outcome,
 * never a loop, never a short completion.
 */
describe('export at the edges', () => {
  let h: ExportHarness;
  afterEach(async () => {
    await h?.close();
  });

  const analysisRequests = () => h.sim.requests.filter((r) => r.path.startsWith('/rest/analysis')).length;

  it('stops with SC_PAGING_STALLED and an Export Failed event when SC ignores the paging offsets, checkpoint unmoved', async () => {
    h = await exportHarness({ sim: { vulnCount: 2345 } });
    h.sim.control.setOffsetsRead('ignored');
    const settings = h.settings({ pageSize: 500 });

    await expect(exportDataset(h.deps(), settings, 'vulns')).rejects.toMatchObject({
      code: 'SC_PAGING_STALLED',
    });

    // A handful of requests, not a loop; the run stays in flight for the next invocation.
    expect(analysisRequests()).toBeLessThanOrEqual(6);
    const state = await h.state('vulns');
    expect(state?.checkpoint).toBeUndefined();
    expect(state?.inflight?.cursor.offset).toBe(0);
    expect(state?.lease).toBeUndefined();
    const failed = h.events.filter((e) => e.detailType === 'Export Failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.detail).toMatchObject({
      dataset: 'vulns',
      errorCode: 'SC_PAGING_STALLED',
      runId: state?.inflight?.runId,
      invocations: 1,
      parts: 0,
    });
    expect(h.events.map((e) => e.detailType)).not.toContain('Export Completed');
  });

  it.each(['root', 'query'] as const)(
    'exports every row exactly once from a server that reads the paging offsets only %s',
    async (where) => {
      // SC's docs put the offsets at the root, pyTenable's recorded requests inside query (reference §3.1).
      h = await exportHarness({ sim: { vulnCount: 4000 } });
      h.sim.control.setOffsetsRead(where);
      const settings = h.settings({ pageSize: 500 });
      const window = firstWindow(h, settings);

      const outcome = await exportDataset(h.deps(), settings, 'vulns');

      expect(outcome.status).toBe('completed');
      const state = await h.state('vulns');
      const { rows } = await readRun(h.store, state?.checkpoint?.manifestKey as string);
      const expected = h.expectedIdentities('vulns', window);
      expect(expected.size).toBeGreaterThan(2 * 500);
      expect(rows.map(simIdentity).sort()).toEqual([...expected].sort());
    },
  );

  it('exports every row from a server that serves at most 500 rows a page, never completing short', async () => {
    h = await exportHarness({ sim: { vulnCount: 8000 } });
    h.sim.control.setPageLimit(500);
    const settings = h.settings({ pageSize: 1000 });
    const window = firstWindow(h, settings);

    const outcome = await exportDataset(h.deps(), settings, 'vulns');

    expect(outcome.status).toBe('completed');
    const state = await h.state('vulns');
    const { rows } = await readRun(h.store, state?.checkpoint?.manifestKey as string);
    const expected = h.expectedIdentities('vulns', window);
    expect(expected.size).toBeGreaterThan(1000);
    expect(new Set(rows.map(simIdentity))).toEqual(expected);
    expect(rows).toHaveLength(expected.size);
  });

  it('fails a run that would take more invocations than allowed, with an event, instead of continuing', async () => {
    h = await exportHarness({ sim: { vulnCount: 6000 } });
    const settings = h.settings({ pageSize: 200, maxInvocations: 2 });
    const outcomes: string[] = [];
    let failure: unknown;
    for (let invocation = 0; invocation < 5 && failure === undefined; invocation++) {
      let pages = 0;
      const deps = h.deps({
        onProgress: () => {
          pages += 1;
        },
      });
      try {
        // The deadline arrives after two pages of each invocation: the run needs many.
        const outcome = await exportDataset(
          { ...deps, remainingMs: () => (pages >= 2 ? 500 : 60_000) },
          settings,
          'vulns',
        );
        outcomes.push(outcome.status);
      } catch (err) {
        failure = err;
      }
    }
    expect(outcomes).toEqual(['continued', 'continued']);
    expect(failure).toBeInstanceOf(ExportInvocationLimitError);
    expect(failure).toMatchObject({ code: 'EXPORT_INVOCATION_LIMIT' });
    const state = await h.state('vulns');
    // Kept for an operator who raises the limit: the run resumes where it stopped.
    expect(state?.inflight?.parts.length).toBeGreaterThan(0);
    expect(state?.checkpoint).toBeUndefined();
    expect(state?.lease).toBeUndefined();
    expect(h.events.filter((e) => e.detailType === 'Export Failed').map((e) => e.detail)).toEqual([
      expect.objectContaining({ errorCode: 'EXPORT_INVOCATION_LIMIT', invocations: 3 }),
    ]);
    // Raised, the same run finishes from its cursor.
    const outcome = await exportDataset(h.deps(), { ...settings, maxInvocations: 10 }, 'vulns');
    expect(outcome).toMatchObject({ status: 'completed', runId: state?.inflight?.runId });
  });

  it('stops at the next safe point when cancelled, stores what it read, and resumes from there', async () => {
    h = await exportHarness({ sim: { vulnCount: 6000 } });
    const settings = h.settings({ pageSize: 200, partSizeBytes: 64 * 1024 });
    const window = firstWindow(h, settings);
    const cancel = new AbortController();
    let pages = 0;
    const deps = h.deps({
      cancel: cancel.signal,
      onProgress: () => {
        pages += 1;
        if (pages === 5) cancel.abort();
      },
    });

    const outcome = await exportDataset(deps, settings, 'vulns');

    expect(outcome.status).toBe('interrupted');
    const state = await h.state('vulns');
    expect(state?.inflight?.cursor.offset).toBeGreaterThanOrEqual(5 * 150);
    expect(state?.lease).toBeUndefined();
    expect(h.events.map((e) => e.detailType)).toEqual([]);
    const resumed = await exportDataset(h.deps(), settings, 'vulns');
    expect(resumed.status).toBe('completed');
    const { rows } = await readRun(h.store, (await h.state('vulns'))?.checkpoint?.manifestKey as string);
    expect(new Set(rows.map(simIdentity))).toEqual(h.expectedIdentities('vulns', window));
  });
});
