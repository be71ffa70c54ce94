/**
 * Read-only helpers over the generated data for tests: they use the same engine as the server, so
 * a test can compute the rows an export must contain without paging over HTTP.
 */
import { parseSelection } from './query';
import { buildRow, identityOf } from './rows';
import { SelectionView } from './selection-view';
import type { SimulatorState } from './state';
import type { DatasetInfo, DatasetQuery, StoreName, VulnDetailsRow } from './types';

const CHUNK = 1000;

/** Builds the `dataset` of a simulator handle. */
export function createDatasetInfo(state: SimulatorState): DatasetInfo {
  const { model } = state;
  const checkIndex = (store: StoreName, index: number) => {
    const size = model.stores[store].timeline.size;
    if (!Number.isInteger(index) || index < 0 || index >= size) {
      throw new RangeError(`simulator: row ${index} is outside the ${store} store (size ${size})`);
    }
  };
  const viewOf = (query: DatasetQuery) =>
    new SelectionView(
      model,
      state.overlays[query.sourceType ?? 'cumulative'],
      state.tables,
      parseSelection(query, state.nowSeconds(), state.repositoryIds()),
    );
  return {
    seed: model.settings.seed,
    generatedAt: model.settings.generatedAt,
    spanSeconds: model.settings.spanSeconds,
    hostCount: model.settings.hostCount,
    size: (store) => model.stores[store].timeline.size,
    identity: (store, index) => {
      checkIndex(store, index);
      return identityOf(model.layout, model.stores[store].base + index);
    },
    rowAt: (store, index) => {
      checkIndex(store, index);
      return buildRow(model.layout, model.specAt(store, index), model.settings.seed);
    },
    timeAt: (store, index) => {
      checkIndex(store, index);
      return model.stores[store].timeline.timeAt(index);
    },
    countMatching: (query) => viewOf(query).total,
    rowsMatching: (query) => {
      const view = viewOf(query);
      return (function* rows(): Generator<VulnDetailsRow> {
        for (let start = 0; start < view.total; start += CHUNK) {
          for (const ref of view.slice(start, start + CHUNK))
            yield buildRow(model.layout, view.specOf(ref), model.settings.seed);
        }
      })();
    },
  };
}
