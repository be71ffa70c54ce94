/** What {@link runInOrder} runs: items `from` … `to - 1`, started ahead, finished in order. */
export interface InOrderWork<T> {
  from: number;
  to: number;
  /** Items started and not yet finished, at most. */
  window: number;
  /** Asked before each start: true stops starting new items (those in flight are finished). */
  shouldStop: () => boolean;
  start: (index: number) => Promise<T>;
  finish: (index: number, result: T) => Promise<void>;
}

/**
 * Keeps up to `window` items in flight and finishes them in index order, so a caller can record
 * "done up to here" after each one. Returns the index after the last item finished. A failure
 * surfaces in its turn, after the items before it finished, once the others in flight settled:
 * an item failing while an earlier one is awaited never becomes an unhandled rejection.
 *
 * @example
 * ```ts
 * const next = await runInOrder({ from: 0, to: parts.length, window: threads + 1, shouldStop,
 *   start: (i) => transform(parts[i]), finish: async (i, out) => store(i, out) });
 * ```
 */
export async function runInOrder<T>(work: InOrderWork<T>): Promise<number> {
  const inFlight: Array<{ index: number; result: Promise<T> }> = [];
  let next = work.from;
  let done = work.from;
  const startNext = () => {
    const index = next++;
    const result = work.start(index);
    result.catch(() => {}); // handled in its turn below
    inFlight.push({ index, result });
  };
  try {
    while (next < work.to && inFlight.length < work.window && !work.shouldStop()) startNext();
    for (let item = inFlight.shift(); item !== undefined; item = inFlight.shift()) {
      await work.finish(item.index, await item.result);
      done = item.index + 1;
      if (next < work.to && !work.shouldStop()) startNext();
    }
  } catch (err) {
    await Promise.allSettled(inFlight.map((item) => item.result));
    throw err;
  }
  return done;
}
