/**
 * Data drift while a client pages (reference §4.5, §7.3). After each served cumulative vulndetails
 * page, `perPage` changes happen: half the rows LEAVE (picked among the rows ranked before the end
 * of the page just served, in the query's own order — which shifts later rows towards lower
 * offsets, so a naive offset pager skips some), the others are NEW findings that ENTER with a
 * lastSeen anywhere in the data span (so they can land before the current offset). A row that
 * leaves is mitigated: it moves to the patched store with lastMitigated = now.
 *
 * After each served sumip page, `ceil(perPage / 2)` hosts ranked before the end of that page LEAVE
 * the sumip answers (as a host whose findings were all mitigated, or which was deleted, does),
 * shifting later hosts towards lower offsets the same way. No host enters: the layout's hosts are
 * fixed. Their findings stay in vulndetails: the two tools drift independently.
 */
import type { FindingNumbers } from './finding-numbers';
import { SeededSequence } from './hash';
import type { Host } from './hosts';
import type { DatasetModel } from './model';
import type { StoreOverlay } from './overlay';
import type { Selection } from './query';
import { identityOf } from './rows';
import { SelectionView } from './selection-view';
import type { TableCache } from './table-cache';
import type { DriftLog, StoreName } from './types';

export class DriftEngine {
  private active: { perPage: number; sequence: SeededSequence } | null = null;
  private readonly log: DriftLog = { left: [], entered: [], hostsLeft: [] };
  private readonly leftHosts = new Set<number>();

  constructor(
    private readonly model: DatasetModel,
    private readonly overlays: Record<StoreName, StoreOverlay>,
    private readonly tables: TableCache,
    private readonly numbers: FindingNumbers,
    private readonly nowSeconds: () => number,
  ) {}

  start(perPage: number, seed: number): void {
    if (!Number.isInteger(perPage) || perPage < 0)
      throw new Error(`simulator: drift perPage must be an integer >= 0, got ${perPage}`);
    this.active = { perPage, sequence: new SeededSequence(seed) };
  }

  stop(): void {
    this.active = null;
  }

  /** A copy of the changes so far. */
  driftLog(): DriftLog {
    return { left: [...this.log.left], entered: [...this.log.entered], hostsLeft: [...this.log.hostsLeft] };
  }

  /** Indices of the hosts that left the sumip answers. */
  get hostsLeft(): ReadonlySet<number> {
    return this.leftHosts;
  }

  /** Applies one round of host changes after a sumip page ending at rank `pageEnd` of `ranked` was served. */
  afterHostPage(ranked: readonly Host[], pageEnd: number): void {
    if (!this.active) return;
    const { perPage, sequence } = this.active;
    const remaining = [...ranked];
    for (let k = 0; k < Math.ceil(perPage / 2); k++) {
      const limit = Math.min(pageEnd - k, remaining.length);
      if (limit <= 0) break;
      const [host] = remaining.splice(sequence.nextBelow(limit), 1);
      if (!host) break;
      this.leftHosts.add(host.index);
      this.log.hostsLeft.push({
        repositoryID: host.repository.id,
        ip: host.ip,
        uuid: host.uuid,
        dnsName: host.dnsName,
      });
    }
  }

  /** Applies one round of changes after a page ending at rank `pageEnd` of `selection` was served. */
  afterPage(selection: Selection, pageEnd: number): void {
    if (!this.active || selection.store !== 'cumulative') return;
    const { perPage, sequence } = this.active;
    const leaving = Math.ceil(perPage / 2);
    for (let k = 0; k < leaving; k++) {
      const view = new SelectionView(this.model, this.overlays.cumulative, this.tables, selection);
      const limit = Math.min(pageEnd, view.total);
      if (limit <= 0) break;
      const rank = sequence.nextBelow(limit);
      const [ref] = view.slice(rank, rank + 1);
      if (!ref) break;
      const spec = view.specOf(ref);
      if (ref.kind === 'generated') this.overlays.cumulative.removed.add(ref.index);
      else this.overlays.cumulative.leave(ref.row);
      const mitigatedAt = this.nowSeconds();
      const patched = this.model.stores.patched.timeline;
      this.overlays.patched.enter(
        { ...spec, lastMitigated: mitigatedAt },
        patched.firstAtOrAfter(mitigatedAt),
      );
      this.log.left.push(identityOf(this.model.layout, spec.g));
    }
    const { generatedAt, spanSeconds } = this.model.settings;
    for (let k = leaving; k < perPage; k++) {
      const g = this.numbers.take();
      if (g === undefined) break;
      const lastSeen = generatedAt - spanSeconds + sequence.nextBelow(spanSeconds + 1);
      const timeline = this.model.stores.cumulative.timeline;
      this.overlays.cumulative.enter(this.model.newSpec(g, lastSeen), timeline.firstAtOrAfter(lastSeen));
      this.log.entered.push(identityOf(this.model.layout, g));
    }
  }
}
