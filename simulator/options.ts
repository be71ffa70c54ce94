/**
 * Validates {@link SimulatorOptions} up front, with messages that name the option and the fix, and
 * fills in the defaults.
 */
import {
  DEFAULT_FIXED_COUNT,
  DEFAULT_HOST_COUNT,
  DEFAULT_REOPENED_RATIO,
  DEFAULT_SEED,
  DEFAULT_SPAN_DAYS,
  DEFAULT_VULN_COUNT,
  MAX_HOST_COUNT,
  MAX_ROW_COUNT,
  SECONDS_PER_DAY,
} from './constants';
import { PLUGINS_PER_HOST } from './plugins';
import type { StateSettings } from './state';
import type { SimulatorOptions } from './types';
import { defaultUsers, validateUsers } from './users';

function integerIn(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`simulator: options.${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
  return value;
}

/** Settings with defaults applied, plus the port to listen on. */
export function resolveOptions(options: SimulatorOptions): StateSettings & { port: number } {
  const seed = integerIn('seed', options.seed ?? DEFAULT_SEED, 0, 0xffff_ffff);
  const vulnCount = integerIn('vulnCount', options.vulnCount ?? DEFAULT_VULN_COUNT, 0, MAX_ROW_COUNT);
  const fixedCount = integerIn('fixedCount', options.fixedCount ?? DEFAULT_FIXED_COUNT, 0, MAX_ROW_COUNT);
  const hostCount = integerIn('hostCount', options.hostCount ?? DEFAULT_HOST_COUNT, 1, MAX_HOST_COUNT);
  const capacity = hostCount * PLUGINS_PER_HOST * 65_536;
  if (vulnCount + fixedCount > capacity / 2) {
    throw new Error(
      `simulator: ${vulnCount + fixedCount} findings need more hosts than ${hostCount}; raise options.hostCount`,
    );
  }
  const addressSeed = integerIn('addressSeed', options.addressSeed ?? seed, 0, 0xffff_ffff);
  const reopenedRatio = options.reopenedRatio ?? DEFAULT_REOPENED_RATIO;
  if (!(reopenedRatio >= 0 && reopenedRatio <= 1)) {
    throw new Error(`simulator: options.reopenedRatio must be in [0, 1], got ${reopenedRatio}`);
  }
  const spanDays = options.spanDays ?? DEFAULT_SPAN_DAYS;
  if (!(spanDays > 0 && spanDays <= 3650))
    throw new Error(`simulator: options.spanDays must be in (0, 3650], got ${spanDays}`);
  const now = options.now ?? Date.now;
  // Copies: regenerating keys updates these objects, never the caller's.
  const users = (options.users ?? defaultUsers(seed)).map((user) => ({ ...user, keys: { ...user.keys } }));
  validateUsers(users);
  return {
    seed,
    vulnCount,
    fixedCount,
    hostCount,
    addressSeed,
    reopenedRatio,
    generatedAt: Math.floor(now() / 1000),
    spanSeconds: Math.round(spanDays * SECONDS_PER_DAY),
    now,
    users,
    apiKeysEnabled: options.apiKeysEnabled ?? true,
    authFailureStyle: options.authFailureStyle ?? 'sc-5.20',
    tls: options.tls ?? true,
    recordRequests: options.recordRequests ?? true,
    wasCount: integerIn('wasCount', options.wasCount ?? 0, 0, 1000),
    port: integerIn('port', options.port ?? 0, 0, 65_535),
  };
}
