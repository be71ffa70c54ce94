/**
 * The generated dataset: hosts, layout and the two stores' timelines. Row i of a store is a pure
 * function of (seed, store, i), described by a {@link RowSpec}.
 */
import { PATCH_LAG_SECONDS, SECONDS_PER_DAY } from './constants';
import { below, SALT, unit } from './hash';
import { buildHosts } from './hosts';
import { FindingLayout } from './layout';
import { StoreTimeline } from './timeline';
import type { StoreName } from './types';

/** Everything that varies between rows of the same finding number g. */
export interface RowSpec {
  /** Global finding number (layout.ts). */
  g: number;
  firstSeen: number;
  lastSeen: number;
  /** Patched rows only. */
  lastMitigated: number | null;
  /** hasBeenMitigated "1". */
  reopened: boolean;
  /** A severity id set by a recast rule (recastRisk "1"); absent: the plugin's own. */
  recastSeverity?: number;
}

export interface ModelSettings {
  seed: number;
  vulnCount: number;
  fixedCount: number;
  hostCount: number;
  /** The seed host addresses derive from (SimulatorOptions.addressSeed). */
  addressSeed: number;
  reopenedRatio: number;
  /** Epoch seconds: newest time of both stores. */
  generatedAt: number;
  spanSeconds: number;
}

/** One store: generated rows occupy finding numbers [base, base + timeline.size). */
export interface StoreShape {
  name: StoreName;
  base: number;
  timeline: StoreTimeline;
  /** lastSeen = primary time − lag (0 for cumulative, whose primary time is lastSeen). */
  lastSeenLag: number;
}

const MAX_AGE_SECONDS = 180 * SECONDS_PER_DAY;

export class DatasetModel {
  readonly layout: FindingLayout;
  readonly stores: Record<StoreName, StoreShape>;
  /** First finding number free for rows created at run time (drift). */
  readonly firstFreeG: number;

  constructor(readonly settings: ModelSettings) {
    this.layout = new FindingLayout(buildHosts(settings.seed, settings.hostCount, settings.addressSeed));
    const { vulnCount, fixedCount, generatedAt, spanSeconds } = settings;
    this.stores = {
      cumulative: {
        name: 'cumulative',
        base: 0,
        timeline: new StoreTimeline(vulnCount, generatedAt, spanSeconds),
        lastSeenLag: 0,
      },
      patched: {
        name: 'patched',
        base: vulnCount,
        timeline: new StoreTimeline(fixedCount, generatedAt, spanSeconds),
        lastSeenLag: PATCH_LAG_SECONDS,
      },
    };
    this.firstFreeG = vulnCount + fixedCount;
  }

  /** Spec of generated row i of a store. */
  specAt(store: StoreName, i: number): RowSpec {
    const shape = this.stores[store];
    const g = shape.base + i;
    const primary = shape.timeline.timeAt(i);
    const lastSeen = primary - shape.lastSeenLag;
    return {
      g,
      firstSeen: this.firstSeenFor(g, lastSeen),
      lastSeen,
      lastMitigated: store === 'patched' ? primary : null,
      reopened: this.isReopened(g),
    };
  }

  /** Spec of a finding created at run time, last seen at `lastSeen`. */
  newSpec(g: number, lastSeen: number): RowSpec {
    return {
      g,
      firstSeen: this.firstSeenFor(g, lastSeen),
      lastSeen,
      lastMitigated: null,
      reopened: this.isReopened(g),
    };
  }

  private firstSeenFor(g: number, lastSeen: number): number {
    return lastSeen - below(this.settings.seed, SALT.firstSeen, g, MAX_AGE_SECONDS);
  }

  private isReopened(g: number): boolean {
    return unit(this.settings.seed, SALT.reopened, g) < this.settings.reopenedRatio;
  }
}
