import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyRow, type FindingState } from '#lib/lifecycle';

type Facts = Parameters<typeof applyRow>[1];

const ID = 'a'.repeat(32);
const ASSET = 'b'.repeat(32);

function iso(day: number): string {
  return new Date(Date.UTC(2026, 0, 1 + day)).toISOString();
}

/** A row of one finding: open (seen on `day`) or fixed (mitigated on `day`). */
function row(kind: 'open' | 'fixed', day: number, extra: Partial<Facts> & { digest?: string } = {}): Facts {
  const { digest = 'd0', ...rest } = extra;
  return {
    findingId: ID,
    assetId: ASSET,
    observation: { time: iso(day), kind, digest, runId: `run-${kind}-${day}` },
    severity: 3,
    acceptRisk: false,
    recastRisk: false,
    firstSeen: iso(0),
    lastSeen: kind === 'open' ? iso(day) : iso(day - 1),
    lastMitigated: kind === 'fixed' ? iso(day) : null,
    scReopened: false,
    ...rest,
  };
}

function replay(rows: readonly Facts[]): { state: FindingState | undefined; changes: string[] } {
  let state: FindingState | undefined;
  const changes: string[] = [];
  for (const r of rows) {
    const t = applyRow(state, r);
    if (t === null) continue;
    state = t.next;
    if (t.change !== null) changes.push(t.change);
  }
  return { state, changes };
}

/** The state without the one field that records arrival (the run that last made a change). */
function orderFree(state: FindingState | undefined) {
  if (state === undefined) return undefined;
  const { changed_run_id: _, ...rest } = state;
  return rest;
}

describe('a finding state moved by rows', () => {
  it('is new when first seen open, fixed when mitigated later, reopened when seen again after that', () => {
    const { state, changes } = replay([row('open', 1), row('fixed', 5), row('open', 9)]);
    expect(changes).toEqual(['new', 'fixed', 'reopened']);
    expect(state).toMatchObject({ state: 'reopened', last_seen: iso(9), last_mitigated: iso(5) });
  });

  it('makes no change for the same row twice, or for an open row older than the state', () => {
    expect(replay([row('open', 3), row('open', 3)]).changes).toEqual(['new']);
    const { state, changes } = replay([row('open', 3), row('open', 2, { digest: 'other' })]);
    expect(changes).toEqual(['new']);
    expect(state?.latest.digest).toBe('d0');
  });

  it('is changed when a newer row carries other tracked fields, and unchanged when it only is seen again', () => {
    expect(replay([row('open', 1), row('open', 2)]).changes).toEqual(['new']);
    expect(replay([row('open', 1), row('open', 2, { digest: 'd1' })]).changes).toEqual(['new', 'changed']);
  });

  it('names a risk acceptance and a recast severity as their own changes', () => {
    const accepted = replay([row('open', 1), row('open', 2, { digest: 'd1', acceptRisk: true })]);
    expect(accepted.changes).toEqual(['new', 'risk_accepted']);
    expect(accepted.state).toMatchObject({ state: 'open', accept_risk: true });
    const recast = replay([row('open', 1), row('open', 2, { digest: 'd1', recastRisk: true, severity: 1 })]);
    expect(recast.changes).toEqual(['new', 'risk_recast']);
    expect(recast.state?.severity).toBe(1);
  });

  it('takes a fixed row over an open row of the same instant (SC mitigates on the scan that no longer finds it)', () => {
    expect(replay([row('open', 4), row('fixed', 4)]).state?.state).toBe('fixed');
    expect(replay([row('fixed', 4), row('open', 4)]).state?.state).toBe('fixed');
  });

  it('a fixed row older than the open state leaves the finding open (reopened: it was fixed before)', () => {
    const { state, changes } = replay([row('open', 9), row('fixed', 5)]);
    expect(changes).toEqual(['new']);
    expect(state).toMatchObject({ state: 'reopened', last_mitigated: iso(5) });
  });

  it('ends in the same state whatever order the rows arrive in, repeats included', () => {
    const rowArb = fc
      .record({
        kind: fc.constantFrom<'open' | 'fixed'>('open', 'fixed'),
        day: fc.integer({ min: 1, max: 20 }),
        digest: fc.constantFrom('d0', 'd1', 'd2'),
        accept: fc.boolean(),
        severity: fc.integer({ min: 0, max: 4 }),
      })
      // The digest covers the tracked fields, as digestOf does: rows that differ in them differ in it.
      .map((r) =>
        row(r.kind, r.day, {
          digest: `${r.digest}/${r.accept}/${r.severity}`,
          acceptRisk: r.accept,
          severity: r.severity,
        }),
      );
    fc.assert(
      fc.property(
        fc
          .array(rowArb, { minLength: 1, maxLength: 8 })
          .chain((rows) =>
            fc.tuple(
              fc.constant(rows),
              fc.shuffledSubarray(rows, { minLength: rows.length }),
              fc.constantFrom(...rows),
            ),
          ),
        ([rows, shuffled, repeated]) => {
          const a = replay(rows).state;
          const b = replay([...shuffled, repeated]).state;
          expect(orderFree(b)).toEqual(orderFree(a));
        },
      ),
      { numRuns: 500 },
    );
  });
});
