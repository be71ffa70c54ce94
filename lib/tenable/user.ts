import * as z from 'zod/mini';
import { ErrorCode } from '#lib/errors';
import { ScError } from './errors';

/** The SC user behind a key pair, as `GET /rest/currentUser` describes it. */
export interface ScUser {
  id: string;
  username: string;
  firstname?: string;
  lastname?: string;
  role: { id: string; name: string };
  organization: { id: string; name: string };
  /** SC sends booleans as the strings "true"/"false" (reference §2). */
  locked?: boolean;
}

/** Role id 1 is Administrator in every SC install (reference §2). */
export const ADMINISTRATOR_ROLE_ID = '1';

// Ids are strings on the wire except the administration organization, which comes back as the
// NUMBER 0 (reference §2; PAL base.go documents the same quirk).
const id = z.pipe(
  z.union([z.string(), z.number()]),
  z.transform((v) => String(v)),
);
const named = z.object({ id, name: z.string() });

const userSchema = z.object({
  id,
  username: z.string().check(z.minLength(1)),
  firstname: z.optional(z.nullable(z.string())),
  lastname: z.optional(z.nullable(z.string())),
  role: named,
  organization: named,
  locked: z.optional(z.nullable(z.union([z.string(), z.boolean()]))),
});

/** Parses currentUser's `response`. Throws `SC_PROTOCOL` when the shape is not a user. */
export function parseCurrentUser(response: unknown): ScUser {
  const parsed = userSchema.safeParse(response);
  if (!parsed.success) {
    const where = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    throw new ScError(
      ErrorCode.ScProtocol,
      `SC's /rest/currentUser answer does not describe a user (unexpected or missing: ${where}). The URL may point at something other than SC, or SC is a version sc2aws does not know. Fix: check the URL; report the SC version if it is right.`,
      { request: 'GET /rest/currentUser' },
    );
  }
  const u = parsed.data;
  return {
    id: u.id,
    username: u.username,
    ...(u.firstname ? { firstname: u.firstname } : {}),
    ...(u.lastname ? { lastname: u.lastname } : {}),
    role: u.role,
    organization: u.organization,
    ...(u.locked == null ? {} : { locked: u.locked === true || u.locked === 'true' }),
  };
}
