import { ErrorCode, UndiciCode } from '#lib/errors';
import { ScError } from './errors';

/**
 * The invocation's time, as the client sees it: every call ends `marginMs` before `remainingMs()`
 * runs out (in Lambda, `context.getRemainingTimeInMillis`), so whoever made the call can still
 * report its failure before Lambda kills the invocation.
 */
export interface ScDeadline {
  remainingMs: () => number;
  marginMs: number;
}

/** When a call starting now must be over, on `clock`'s scale; +∞ without a deadline. */
export function callEnd(deadline: ScDeadline | undefined, clock: () => number): number {
  const remaining = deadline?.remainingMs() ?? Number.POSITIVE_INFINITY;
  if (deadline === undefined || !Number.isFinite(remaining)) return Number.POSITIVE_INFINITY;
  return clock() + remaining - deadline.marginMs;
}

/** setTimeout's ceiling: a longer budget is no budget. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * One abort signal for a piece of work: aborted when any parent aborts, or, with a budget, when the
 * budget runs out (then {@link expired} says so). Listeners and the timer go with {@link dispose},
 * so long-lived parents (the client's own) collect nothing per request.
 */
export class WorkSignal {
  private readonly controller = new AbortController();
  private readonly parents: AbortSignal[];
  private readonly timer: NodeJS.Timeout | undefined;
  private timedOut = false;
  private readonly onAbort = () => this.controller.abort();

  constructor(parents: readonly (AbortSignal | undefined)[], budgetMs = Number.POSITIVE_INFINITY) {
    this.parents = parents.filter((p): p is AbortSignal => p !== undefined);
    for (const parent of this.parents) {
      if (parent.aborted) this.controller.abort();
      else parent.addEventListener('abort', this.onAbort, { once: true });
    }
    this.timer =
      budgetMs < MAX_TIMER_MS
        ? setTimeout(
            () => {
              this.timedOut = true;
              this.controller.abort();
            },
            Math.max(0, budgetMs),
          )
        : undefined;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True when the budget, not a parent, ended the work. */
  get expired(): boolean {
    return this.timedOut;
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    for (const parent of this.parents) parent.removeEventListener('abort', this.onAbort);
  }
}

/**
 * True when `work` settles (either way) within `ms`; false when the time runs out first. A
 * rejection is absorbed: the caller only learns whether it may stop waiting.
 */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * True when undici's headers or body timeout fired and it was the deadline that had shortened it
 * (`budgetMs` below the configured timeout): the deadline, not SC's slowness within the normal
 * timeout, ended the attempt.
 */
export function shortenedTimeoutFired(
  err: unknown,
  budgetMs: number,
  timeouts: { headersMs: number; bodyMs: number },
): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    (code === UndiciCode.HeadersTimeout && budgetMs < timeouts.headersMs) ||
    (code === UndiciCode.BodyTimeout && budgetMs < timeouts.bodyMs)
  );
}

/**
 * The error of a call its deadline ended: `before` an attempt could start (or another one fit), or
 * `in-flight` while SC had not answered.
 */
export function deadlineError(request: string, when: 'before' | 'in-flight', marginMs: number): ScError {
  const moment = when === 'before' ? 'with no time left for an attempt' : 'while SC had not answered';
  return new ScError(
    ErrorCode.ScDeadline,
    `${request} was stopped at the invocation's deadline (its remaining time less ${marginMs} ms kept for reporting) ${moment}. SC is hung, overloaded by a large query, or the network path to it drops packets. Fix: check SC's health and the network path from the function to SC; exports retry on their next run, a validation on its next trigger.`,
    { request },
  );
}

/** The error of a call cut off because its client was closed. */
export function closedError(request: string): ScError {
  return new ScError(
    ErrorCode.ScAborted,
    `${request} was stopped because the SC client was closed while it was still running (the work it belonged to has ended). Fix: none needed; the work resumes on the next run.`,
    { request },
  );
}
