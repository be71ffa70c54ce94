/**
 * Parses the values of date filters (lastSeen, lastMitigated) in both forms SC accepts
 * (reference §4.1): an epoch range "<start>-<end>" and relative days "<end day>:<start day>".
 */
import { SECONDS_PER_DAY } from './constants';
import { invalidParameters } from './sc-error';

/** Inclusive bounds in epoch seconds; ±Infinity for an open side. */
export interface TimeWindow {
  from: number;
  to: number;
}

/** More days than this in "n:m" can only be epochs written with a colon. */
const MAX_RELATIVE_DAYS = 36_500;

function formatError(field: string) {
  // The wording SC uses when epochs are sent with a colon (reference §4.1, §7.4; PT issue #411).
  return invalidParameters(`The filter '${field}' must be in the following format: <end day>:<start day>`);
}

/**
 * Window selected by a date filter value, evaluated at `nowSeconds`.
 *
 * Relative days are rolling 24-hour blocks back from the request's clock, not calendar days
 * (reference §4.1): "0:30" = the last 30 days, "30:all" = older than 30 days. The end-day
 * boundary is exclusive so that consecutive blocks ("0:30", "30:60") never overlap.
 *
 * @example parseTimeWindow('lastSeen', '1709400000-1709486400', now) // { from: 1709400000, to: 1709486400 }
 */
export function parseTimeWindow(field: string, value: unknown, nowSeconds: number): TimeWindow {
  if (typeof value !== 'string') throw formatError(field);
  const epochs = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(value);
  if (epochs) return { from: Number(epochs[1]), to: Number(epochs[2]) };
  const days = /^\s*(\d+)\s*:\s*(\d+|all)\s*$/.exec(value);
  if (!days) throw formatError(field);
  const endDay = Number(days[1]);
  const startDay = days[2] === 'all' ? Number.POSITIVE_INFINITY : Number(days[2]);
  const isEpochLike =
    endDay > MAX_RELATIVE_DAYS || (Number.isFinite(startDay) && startDay > MAX_RELATIVE_DAYS);
  if (isEpochLike || startDay < endDay) throw formatError(field);
  return {
    from: Number.isFinite(startDay) ? nowSeconds - startDay * SECONDS_PER_DAY : Number.NEGATIVE_INFINITY,
    to: endDay === 0 ? Number.POSITIVE_INFINITY : nowSeconds - endDay * SECONDS_PER_DAY - 1,
  };
}
