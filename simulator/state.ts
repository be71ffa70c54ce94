/**
 * The mutable state of one simulator: dataset, drift and scan overlays, users, switches and faults.
 * Handlers read it; the control object changes it.
 */
import { DriftEngine } from './drift';
import { FaultQueue } from './faults';
import { FindingNumbers } from './finding-numbers';
import { HeldResponses } from './held';
import { DatasetModel, type ModelSettings } from './model';
import { StoreOverlay } from './overlay';
import { ScanChanges } from './scan-changes';
import { TableCache } from './table-cache';
import type {
  AuthFailureStyle,
  OffsetsRead,
  RecordedRequest,
  ReturnedRecordsQuirk,
  SimulatorUser,
  StoreName,
} from './types';
import { UserRegistry } from './users';

export interface StateSettings extends ModelSettings {
  now: () => number;
  users: SimulatorUser[];
  apiKeysEnabled: boolean;
  authFailureStyle: AuthFailureStyle;
  tls: boolean;
  recordRequests: boolean;
  /** Web-application findings in the cumulative store (was.ts). */
  wasCount: number;
}

export class SimulatorState {
  readonly model: DatasetModel;
  readonly overlays: Record<StoreName, StoreOverlay> = {
    cumulative: new StoreOverlay(),
    patched: new StoreOverlay(),
  };
  readonly tables: TableCache;
  readonly registry: UserRegistry;
  readonly faults = new FaultQueue();
  readonly held = new HeldResponses();
  readonly drift: DriftEngine;
  readonly scans: ScanChanges;
  readonly requests: RecordedRequest[] = [];
  apiKeysEnabled: boolean;
  authFailureStyle: AuthFailureStyle;
  returnedRecordsQuirk: ReturnedRecordsQuirk = 'none';
  pageLimit: number | undefined;
  offsetsRead: OffsetsRead = 'either';

  constructor(readonly settings: StateSettings) {
    this.model = new DatasetModel(settings);
    this.tables = new TableCache(this.model.layout);
    this.registry = new UserRegistry(settings.users, settings.seed);
    this.apiKeysEnabled = settings.apiKeysEnabled;
    this.authFailureStyle = settings.authFailureStyle;
    const numbers = new FindingNumbers(this.model.firstFreeG, this.model.layout.capacity);
    const now = () => this.nowSeconds();
    this.drift = new DriftEngine(this.model, this.overlays, this.tables, numbers, now);
    this.scans = new ScanChanges(this.model, this.overlays, numbers, now);
  }

  /** The simulator clock in epoch seconds. */
  nowSeconds(): number {
    return Math.floor(this.settings.now() / 1000);
  }

  /** Repository ids that exist, for '!=' filters. */
  repositoryIds(): number[] {
    return [...new Set(this.model.layout.hosts.map((host) => host.repositoryId))].sort((a, b) => a - b);
  }
}
