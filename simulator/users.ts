/**
 * Users and their API keys. SC gives each user at most one active pair: generating a new pair
 * kills the old one at once, and so does deleting it (reference §6).
 */
import { createHash } from 'node:crypto';
import type { SimulatorKeys, SimulatorUser } from './types';

const KEY_PATTERN = /^[0-9a-f]{32}$/;

/** 32 lowercase hex chars derived from (seed, username, purpose, generation). */
function derivedHex(seed: number, username: string, purpose: string, generation: number): string {
  return createHash('sha256')
    .update(`sc2aws-simulator:${seed}:${username}:${purpose}:${generation}`)
    .digest('hex')
    .slice(0, 32);
}

/**
 * Key pair number `generation` of a user; deterministic so tests can predict it.
 *
 * @example keysFor(1, 'svc-sc2aws', 0).accessKey.length // 32
 */
export function keysFor(seed: number, username: string, generation: number): SimulatorKeys {
  return {
    accessKey: derivedHex(seed, username, 'access', generation),
    secretKey: derivedHex(seed, username, 'secret', generation),
  };
}

/** The default user: a Security Analyst of organization 'Acme' (role ids per reference §2). */
export function defaultUsers(seed: number): SimulatorUser[] {
  return [
    {
      id: '7',
      username: 'svc-sc2aws',
      roleId: '3',
      roleName: 'Security Analyst',
      orgId: '1',
      orgName: 'Acme',
      keys: keysFor(seed, 'svc-sc2aws', 0),
    },
  ];
}

/** Throws when users are unusable: bad key format, duplicate usernames or access keys. */
export function validateUsers(users: SimulatorUser[]): void {
  if (users.length === 0) throw new Error('simulator: options.users must hold at least one user');
  const names = new Set<string>();
  const accessKeys = new Set<string>();
  for (const user of users) {
    if (!KEY_PATTERN.test(user.keys.accessKey) || !KEY_PATTERN.test(user.keys.secretKey)) {
      throw new Error(`simulator: keys of user '${user.username}' must be 32 lowercase hex characters each`);
    }
    if (names.has(user.username)) throw new Error(`simulator: duplicate username '${user.username}'`);
    if (accessKeys.has(user.keys.accessKey))
      throw new Error(`simulator: user '${user.username}' reuses an access key`);
    names.add(user.username);
    accessKeys.add(user.keys.accessKey);
  }
}

/** Who holds which keys right now. */
export class UserRegistry {
  private readonly byAccessKey = new Map<string, SimulatorUser>();
  private readonly locked = new Set<string>();
  private readonly generations = new Map<string, number>();

  constructor(
    readonly users: SimulatorUser[],
    private readonly seed: number,
  ) {
    for (const user of users) this.byAccessKey.set(user.keys.accessKey, user);
  }

  /** The user whose current pair this is, unless revoked or locked. */
  authenticate(keys: SimulatorKeys): SimulatorUser | undefined {
    const user = this.byAccessKey.get(keys.accessKey);
    if (!user || user.keys.secretKey !== keys.secretKey || this.locked.has(user.username)) return undefined;
    return user;
  }

  revoke(username?: string): void {
    const user = this.find(username);
    this.byAccessKey.delete(user.keys.accessKey);
  }

  regenerate(username?: string): SimulatorKeys {
    const user = this.find(username);
    this.byAccessKey.delete(user.keys.accessKey);
    const generation = (this.generations.get(user.username) ?? 0) + 1;
    this.generations.set(user.username, generation);
    user.keys = keysFor(this.seed, user.username, generation);
    this.byAccessKey.set(user.keys.accessKey, user);
    return { ...user.keys };
  }

  lock(username: string, locked: boolean): void {
    const user = this.find(username);
    if (locked) this.locked.add(user.username);
    else this.locked.delete(user.username);
  }

  find(username?: string): SimulatorUser {
    const user =
      username === undefined
        ? this.users[0]
        : this.users.find((candidate) => candidate.username === username);
    if (!user) throw new Error(`simulator: no user '${username ?? '(first)'}'`);
    return user;
  }
}
