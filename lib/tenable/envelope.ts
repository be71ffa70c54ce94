import * as z from 'zod/mini';

/**
 * SC wraps every answer, success or error, in the same envelope (reference §1.3):
 * `{type, response, error_code, error_msg, warnings, timestamp}`. Error bodies are often served as
 * `text/html` although they are JSON (§1.2), so the body is parsed whatever the content type says.
 */
export interface ScEnvelope {
  response: unknown;
  errorCode: number;
  errorMessage: string;
  warnings: unknown[];
  /** Server time in epoch seconds, when SC sent one. */
  timestamp?: number;
}

const intLike = z.union([z.number(), z.string().check(z.regex(/^-?\d+$/))]);

const envelopeSchema = z.object({
  type: z.optional(z.nullable(z.string())),
  response: z.optional(z.unknown()),
  error_code: intLike,
  error_msg: z.optional(z.nullable(z.string())),
  warnings: z.optional(z.nullable(z.array(z.unknown()))),
  timestamp: z.optional(z.nullable(intLike)),
});

/** Why a body is not an envelope; the client turns it into an `SC_PROTOCOL` error. */
export type EnvelopeProblem = 'empty' | 'html' | 'truncated' | 'not-json' | 'not-envelope';

export type EnvelopeResult = { ok: true; envelope: ScEnvelope } | { ok: false; problem: EnvelopeProblem };

/**
 * Parses a response body into SC's envelope without throwing.
 *
 * @example
 * ```ts
 * const r = parseEnvelope('{"type":"regular","response":{},"error_code":0,"error_msg":"","warnings":[],"timestamp":1}');
 * if (r.ok) console.log(r.envelope.errorCode); // 0
 * ```
 */
export function parseEnvelope(body: string): EnvelopeResult {
  const text = body.trim();
  if (text === '') return { ok: false, problem: 'empty' };
  if (text.startsWith('<')) return { ok: false, problem: 'html' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // A body that starts like JSON but does not parse was cut off on the way (proxy, reset, SC crash).
    return { ok: false, problem: text.startsWith('{') || text.startsWith('[') ? 'truncated' : 'not-json' };
  }
  return envelopeOf(json);
}

/** The envelope of an already parsed body. */
export function envelopeOf(json: unknown): EnvelopeResult {
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) return { ok: false, problem: 'not-envelope' };
  const raw = parsed.data;
  return {
    ok: true,
    envelope: {
      response: raw.response,
      errorCode: Number(raw.error_code),
      errorMessage: (raw.error_msg ?? '').trim(),
      warnings: raw.warnings ?? [],
      ...(raw.timestamp == null ? {} : { timestamp: Number(raw.timestamp) }),
    },
  };
}
