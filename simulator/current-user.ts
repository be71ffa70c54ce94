/**
 * GET /rest/currentUser payload (reference §2): ids and booleans as strings, times as epoch-second
 * strings, role/organization/group objects — except the administration organization, whose id is
 * the NUMBER 0.
 */
import { createHash } from 'node:crypto';
import type { SimulatorUser } from './types';

function uuidOf(user: SimulatorUser): string {
  const hex = createHash('sha256').update(`sc2aws-user:${user.username}`).digest('hex').toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-9${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The currentUser object; with `fields` only those (plus the always-returned id and uuid).
 *
 * @example currentUserPayload(user, 1709500000, 'id,username')
 */
export function currentUserPayload(
  user: SimulatorUser,
  nowSeconds: number,
  fields?: string | null,
): Record<string, unknown> {
  const isAdmin = String(user.orgId) === '0';
  const payload: Record<string, unknown> = {
    id: user.id,
    uuid: uuidOf(user),
    status: '0',
    username: user.username,
    firstname: user.username === 'svc-sc2aws' ? 'sc2aws' : user.username,
    lastname: 'Integration',
    title: '',
    email: '',
    createdTime: String(nowSeconds - 400 * 86_400),
    modifiedTime: String(nowSeconds - 30 * 86_400),
    lastLogin: String(nowSeconds - 3_600),
    lastLoginIP: '10.0.0.5',
    mustChangePassword: 'false',
    locked: 'false',
    failedLogins: '0',
    authType: 'tns',
    fingerprint: null,
    password: 'SET',
    role: {
      id: user.roleId,
      name: user.roleName,
      description: `Role defining a ${user.roleName.toLowerCase()}`,
    },
    // The administration organization id comes back as a number (reference §2, PAL base.go).
    organization: {
      id: isAdmin ? 0 : String(user.orgId),
      name: user.orgName,
      description: '',
    },
    preferences: [{ name: 'timezone', value: 'UTC', tag: '' }],
  };
  // Administrators have no group (groups belong to organizations).
  if (!isAdmin) payload.group = { id: '0', name: 'Full Access', description: 'Full access group' };
  if (!fields) return payload;
  const wanted = new Set(['id', 'uuid', ...fields.split(',').map((field) => field.trim())]);
  return Object.fromEntries(Object.entries(payload).filter(([name]) => wanted.has(name)));
}
