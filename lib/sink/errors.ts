import { ErrorCode, Sc2awsError } from '#lib/errors';

/** Writing or reading the output store failed. */
export class SinkError extends Sc2awsError {
  constructor(
    code: typeof ErrorCode.SinkWriteFailed | typeof ErrorCode.SinkReadFailed,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** The data prefix holds a deployment from before consoles (./console-layout.ts). */
export class LegacyLayoutError extends Sc2awsError {
  constructor(message: string) {
    super(ErrorCode.LayoutLegacy, message);
  }
}

/** A conditional write lost a race: another run changed the object since we read it. */
export class StoreConflictError extends Sc2awsError {
  constructor(key: string) {
    super(
      ErrorCode.StateConflict,
      `Another run changed ${key} at the same time, so this run stopped without writing it. Two runs of one dataset must not overlap. Fix: none needed if rare (the next run continues); otherwise keep the function's reserved concurrency at 1 and check for a second deployment on the same bucket prefix.`,
    );
  }
}

/** Short description of an SDK or fs error for messages: its name/code only, never request data. */
export function describeCause(err: unknown): string {
  const e = err as
    | { name?: string; code?: string; Code?: string; $metadata?: { httpStatusCode?: number } }
    | undefined;
  const status = e?.$metadata?.httpStatusCode;
  return [e?.code ?? e?.Code ?? e?.name ?? 'Error', status === undefined ? undefined : `HTTP ${status}`]
    .filter(Boolean)
    .join(', ');
}
