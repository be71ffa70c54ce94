import fc from 'fast-check';
import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { isScError, ScClient, ScError } from '#lib/tenable';
import { canaryKeys, errorSurface, expectNoKeyMaterial } from '#support/keys';
import { recordingLogger } from '#support/log-recorder';
import { classifyResponse } from '../../../lib/tenable/classify';
import { parseEnvelope } from '../../../lib/tenable/envelope';
import { SC_ERROR_CODES } from '../../../lib/tenable/errors';

const ORIGIN = 'https://sc.example.com';
const CODES = new Set<string>(SC_ERROR_CODES);
const PROBLEMS = new Set(['empty', 'html', 'truncated', 'not-json', 'not-envelope']);

const scalar = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('0', '146', '-1', '1e3', ' 12 ', 'NaN', ''),
);
/** Objects shaped like SC's envelope, with any value in any field (and fields missing). */
const envelopeLike = fc
  .record(
    {
      type: fc.oneof(scalar, fc.constant('regular')),
      response: fc.oneof(scalar, fc.jsonValue({ maxDepth: 2 })),
      error_code: fc.oneof(scalar, fc.integer({ min: -1, max: 200 })),
      error_msg: fc.oneof(
        scalar,
        fc.constantFrom(
          'database is locked',
          'API Key authentication is not enabled on this server.\n',
          'Invalid API key.',
          'Group #0 does not have access to the Repository',
          'This request contains an invalid token.',
        ),
      ),
      warnings: fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })),
      timestamp: fc.oneof(scalar, fc.integer({ min: 0 })),
    },
    { requiredKeys: [] },
  )
  .map((o) => JSON.stringify(o));
/** What can come back over the wire: envelopes, any JSON, HTML, cut-off bodies, bytes. */
const body = fc.oneof(
  envelopeLike,
  envelopeLike.chain((text) => fc.nat({ max: text.length }).map((n) => text.slice(0, n))),
  fc.json({ maxDepth: 3 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ maxLength: 200 }).map((s) => `<html><body>${s}</body></html>`),
  fc.constantFrom('', '   ', '{', '[', 'null', '"text"', '{"error_code":1e999}', '\u0000'),
);
const status = fc.oneof(
  fc.constantFrom(200, 400, 401, 403, 404, 429, 500, 502, 503, 504),
  fc.integer({ min: 100, max: 599 }),
  fc.integer({ min: 0, max: 999 }),
);

describe('parsing what SC answers (property)', () => {
  it('reads any body as an envelope or a named problem, and never throws', () => {
    fc.assert(
      fc.property(body, (text) => {
        const result = parseEnvelope(text);
        if (result.ok) {
          expect(Number.isFinite(result.envelope.errorCode)).toBe(true);
          expect(typeof result.envelope.errorMessage).toBe('string');
          expect(Array.isArray(result.envelope.warnings)).toBe(true);
          if (result.envelope.timestamp !== undefined)
            expect(Number.isFinite(result.envelope.timestamp)).toBe(true);
        } else {
          expect(PROBLEMS.has(result.problem)).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('decides every status and body into a typed outcome whose error names the fix', () => {
    fc.assert(
      fc.property(
        status,
        body,
        fc.option(fc.nat({ max: 30_000 }), { nil: undefined }),
        (code, text, wait) => {
          const outcome = classifyResponse(code, text, 'POST /rest/analysis', wait);
          expect(['ok', 'retry', 'auth', 'fail']).toContain(outcome.kind);
          if (outcome.kind === 'ok') {
            expect(code).toBeLessThan(400);
            expect(outcome.envelope.errorCode).toBe(0);
            return;
          }
          expect(outcome.error).toBeInstanceOf(ScError);
          expect(CODES.has(outcome.error.code)).toBe(true);
          expect(outcome.error.message).toMatch(/Fix:/);
          expect(outcome.error.details.request).toBe('POST /rest/analysis');
          // SC's own words are quoted, but only so much of them.
          expect(outcome.error.message.length).toBeLessThan(1200);
          if (outcome.kind === 'auth') expect(outcome.error.code).toBe('SC_KEYS_REJECTED');
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('the SC client facing hostile answers (property)', () => {
  const canary = canaryKeys();
  const keyTexts = [
    canary.accessKey,
    canary.secretKey,
    canary.keys.headerValue(),
    canary.secretKey.toUpperCase(),
    // SC echoing a key with JSON escapes: the raw body never spells it out.
    [...canary.secretKey].map((c) => `\\u00${c.charCodeAt(0).toString(16)}`).join(''),
  ];
  const echo = fc.constantFrom(...keyTexts);
  /** Bodies that echo the keys somewhere: in error_msg, in the response, in HTML, in noise. */
  const echoingBody = fc.oneof(
    fc
      .tuple(
        fc.integer({ min: 0, max: 200 }),
        fc.string({ maxLength: 30 }),
        echo,
        fc.string({ maxLength: 30 }),
      )
      .map(
        ([code, a, key, b]) =>
          `{"type":"regular","response":"","error_code":${code},"error_msg":${JSON.stringify(a).slice(0, -1)}${key}${JSON.stringify(b).slice(1)},"warnings":[],"timestamp":1}`,
      ),
    fc.tuple(fc.string({ maxLength: 30 }), echo).map(([a, key]) => `<html><h1>${a}</h1><p>${key}</p></html>`),
    fc.tuple(body, echo, fc.nat()).map(([text, key, at]) => {
      const i = text.length === 0 ? 0 : at % text.length;
      return text.slice(0, i) + key + text.slice(i);
    }),
  );

  it('ends every call with a user or a typed error, and no error or log line carries the keys', async () => {
    await fc.assert(
      fc.asyncProperty(status, echoingBody, echo, async (code, text, location) => {
        // Prepare
        const agent = new MockAgent();
        agent.disableNetConnect();
        agent
          .get(ORIGIN)
          .intercept({ path: () => true, method: () => true })
          .reply(code < 200 ? 200 : code, text, { headers: { location: `https://evil.example/${location}` } })
          .persist();
        const logger = recordingLogger();
        const sc = new ScClient({
          url: ORIGIN,
          keys: canary.keys,
          dispatcher: agent,
          logger,
          retry: { maxAttempts: 1 },
        });

        // Act
        const outcome = await sc.currentUser().then(
          (user) => ({ user }),
          (error: unknown) => ({ error }),
        );
        await agent.close();

        // Assert
        if ('error' in outcome) {
          expect(isScError(outcome.error), String(outcome.error)).toBe(true);
          expectNoKeyMaterial(errorSurface(outcome.error), canary.accessKey, canary.secretKey);
        } else {
          expectNoKeyMaterial(JSON.stringify(outcome.user), canary.accessKey, canary.secretKey);
        }
        expectNoKeyMaterial(logger.text(), canary.accessKey, canary.secretKey);
      }),
      { numRuns: 300 },
    );
  });
});
