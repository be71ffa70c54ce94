/**
 * The runtime control surface handed to tests (SimulatorHandle.control). Synchronous: a change
 * applies to the next request.
 */
import type { SimulatorState } from './state';
import type { SimulatorControl } from './types';

/** Builds the control object of a simulator. */
export function createControl(state: SimulatorState): SimulatorControl {
  return {
    revokeKeys: (username) => state.registry.revoke(username),
    regenerateKeys: (username) => state.registry.regenerate(username),
    setApiKeysEnabled: (enabled) => {
      state.apiKeysEnabled = enabled;
    },
    lockUser: (username, locked) => state.registry.lock(username, locked),
    injectFault: (fault) => state.faults.add(fault),
    clearFaults: () => state.faults.clear(),
    pendingFaults: () => state.faults.size,
    setReturnedRecordsQuirk: (mode) => {
      state.returnedRecordsQuirk = mode;
    },
    startDrift: ({ perPage, seed }) => state.drift.start(perPage, seed ?? state.settings.seed),
    stopDrift: () => state.drift.stop(),
    driftLog: () => state.drift.driftLog(),
    scan: (request) => state.scans.apply(request),
    scanLog: () => state.scans.log(),
    setPageLimit: (limit) => {
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
        throw new Error(`simulator: page limit must be a positive integer, got ${limit}`);
      }
      state.pageLimit = limit;
    },
    setOffsetsRead: (mode) => {
      state.offsetsRead = mode;
    },
    heldResponses: () => state.held.size,
    whenHeld: (count = 1) => state.held.until(() => state.held.size >= count),
    whenNoneHeld: () => state.held.until(() => state.held.size === 0),
  };
}
