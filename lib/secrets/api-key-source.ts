import {
  GetSecretValueCommand,
  type GetSecretValueCommandInput,
  type GetSecretValueCommandOutput,
} from '@aws-sdk/client-secrets-manager';
import { ScApiKeys } from './api-keys';
import { DEFAULT_KEY_TTL_MS, DEFAULT_VERSION_STAGE } from './constants';
import { SecretFormatError, type SecretLocation, SecretSourceConfigError } from './errors';
import { toSecretReadError } from './sdk-errors';

/** Which version of the secret to read. */
export interface KeyRequest {
  /** Staging label; `AWSCURRENT` when neither this nor `versionId` is given. */
  versionStage?: string;
  /** A version id (e.g. a rotation's ClientRequestToken); wins over `versionStage`. */
  versionId?: string;
  /** Skip the cache, e.g. after SC rejected the keys because the secret may have been rotated. */
  forceRefresh?: boolean;
}

/** Keys read from Secrets Manager, with the version they came from. Frozen: shared by cache hits. */
export interface ResolvedApiKeys {
  readonly keys: ScApiKeys;
  readonly secretArn: string;
  readonly versionId: string;
  readonly versionStages: readonly string[];
}

/** Where every Lambda gets its SC keys. */
export interface ApiKeySource {
  get(request?: KeyRequest): Promise<ResolvedApiKeys>;
  /** Forgets the cached keys of one request's version, or of all versions without a request. */
  invalidate(request?: KeyRequest): void;
}

/** The part of `SecretsManagerClient` this module uses, so tests and callers may pass a small fake. */
export interface SecretValueReader {
  send(command: GetSecretValueCommand): Promise<GetSecretValueCommandOutput>;
}

export interface ApiKeySourceOptions {
  client: SecretValueReader;
  /** The secret's ARN (preferred) or name. */
  secretId: string;
  /** How long keys stay cached, in ms; `0` turns the cache off. Default {@link DEFAULT_KEY_TTL_MS}. */
  ttlMs?: number | undefined;
  /** Milliseconds now; injected by tests. Default `Date.now`. */
  clock?: () => number;
}

interface CacheEntry {
  promise: Promise<ResolvedApiKeys>;
  /** Set once the read succeeded; until then the entry is an in-flight read that callers share. */
  expiresAt?: number;
}

/**
 * Reads the SC API keys from Secrets Manager, parsed and checked, with a per-container cache.
 *
 * The cache is keyed by the version asked for (stage or version id), so `AWSCURRENT` and
 * `AWSPENDING` never mix — the Powertools Parameters pitfall (aws-notes.md §6). Concurrent `get`s
 * of one version share one request; a failed read is not cached; `forceRefresh` skips a cached
 * value (but joins a read already in flight, which is at least as fresh).
 *
 * @throws {SecretSourceConfigError} (`SECRET_SOURCE_CONFIG`) on a bad option, at once.
 * @example
 * ```ts
 * const source = createApiKeySource({ client: new SecretsManagerClient({}), secretId: config.secretArn });
 * const { keys } = await source.get();
 * // SC said 401/403: the secret may have been rotated since we cached it.
 * const fresh = await source.get({ forceRefresh: true });
 * const pending = await source.get({ versionId: event.ClientRequestToken });
 * ```
 */
export function createApiKeySource(options: ApiKeySourceOptions): ApiKeySource {
  const { client, secretId, ttlMs = DEFAULT_KEY_TTL_MS, clock = Date.now } = checkOptions(options);
  const cache = new Map<string, CacheEntry>();

  function get(request: KeyRequest = {}): Promise<ResolvedApiKeys> {
    const location = locate(secretId, request);
    const key = cacheKey(location);
    const cached = cache.get(key);
    if (cached) {
      const { expiresAt } = cached;
      // A read in flight is shared even by forceRefresh: it is newer than anything cached, and
      // joining it keeps a burst of rejected calls (after a rotation) to one request.
      if (expiresAt === undefined) return cached.promise;
      if (!request.forceRefresh && clock() < expiresAt) return cached.promise;
    }

    const entry: CacheEntry = { promise: read(client, location) };
    cache.set(key, entry);
    const forget = () => {
      if (cache.get(key) === entry) cache.delete(key); // not a newer read that replaced this one
    };
    entry.promise.then(() => {
      if (ttlMs > 0) entry.expiresAt = clock() + ttlMs;
      else forget();
    }, forget);
    return entry.promise;
  }

  function invalidate(request?: KeyRequest): void {
    if (request === undefined) cache.clear();
    else cache.delete(cacheKey(locate(secretId, request)));
  }

  return { get, invalidate };
}

/**
 * The source as an SC client's key provider: the cached keys of one version, and fresh ones once
 * SC rejects them (the secret may have been rotated since they were cached).
 *
 * @example
 * ```ts
 * const sc = createScClient(config.sc, { keys: keyProviderOf(source) });
 * ```
 */
export function keyProviderOf(
  source: ApiKeySource,
  request: Omit<KeyRequest, 'forceRefresh'> = {},
): { current(): Promise<ScApiKeys>; refresh(): Promise<ScApiKeys> } {
  return {
    current: async () => (await source.get(request)).keys,
    refresh: async () => (await source.get({ ...request, forceRefresh: true })).keys,
  };
}

async function read(client: SecretValueReader, location: SecretLocation): Promise<ResolvedApiKeys> {
  const input: GetSecretValueCommandInput = { SecretId: location.secretId };
  if (location.versionId !== undefined) input.VersionId = location.versionId;
  else input.VersionStage = location.versionStage;

  let output: GetSecretValueCommandOutput;
  try {
    output = await client.send(new GetSecretValueCommand(input));
  } catch (err) {
    throw toSecretReadError(err, location);
  }

  if (output.SecretString === undefined && output.SecretBinary !== undefined) {
    throw new SecretFormatError('it holds a binary value (SecretBinary) and no text (SecretString)', {
      location,
    });
  }
  let keys: ScApiKeys;
  try {
    keys = ScApiKeys.parse(output.SecretString ?? '');
  } catch (err) {
    throw err instanceof SecretFormatError ? err.at(location) : err;
  }
  return Object.freeze({
    keys,
    secretArn: output.ARN ?? location.secretId,
    versionId: output.VersionId ?? location.versionId ?? '',
    versionStages: Object.freeze([...(output.VersionStages ?? [])]),
  });
}

/** The version a request names: a version id wins over a stage; empty strings count as unset. */
function locate(secretId: string, request: KeyRequest): SecretLocation {
  if (request.versionId) return { secretId, versionId: request.versionId };
  return { secretId, versionStage: request.versionStage || DEFAULT_VERSION_STAGE };
}

function cacheKey(location: SecretLocation): string {
  return location.versionId !== undefined ? `id:${location.versionId}` : `stage:${location.versionStage}`;
}

function checkOptions(options: ApiKeySourceOptions): ApiKeySourceOptions {
  const { client, secretId, ttlMs, clock } = options ?? {};
  const fail = (problem: string) => new SecretSourceConfigError(`createApiKeySource: ${problem}`);
  if (typeof client?.send !== 'function') {
    throw fail('option "client" must be a SecretsManagerClient (or an object with send()).');
  }
  if (typeof secretId !== 'string' || secretId.trim() === '') {
    throw fail(
      'option "secretId" must be the secret\'s ARN or name, e.g. "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sc2aws/sc-api-keys-AbCdEf".',
    );
  }
  if (ttlMs !== undefined && !(Number.isFinite(ttlMs) && ttlMs >= 0)) {
    throw fail(`option "ttlMs" must be a number of milliseconds >= 0 (got ${String(ttlMs)}), e.g. 300000.`);
  }
  if (clock !== undefined && typeof clock !== 'function') {
    throw fail('option "clock" must be a function returning milliseconds, e.g. Date.now.');
  }
  return options;
}
