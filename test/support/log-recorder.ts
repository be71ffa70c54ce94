import type { LogSink } from '#lib/logging';

export interface RecordedLog {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  extra?: Record<string, unknown>;
}

/** A LogSink that keeps every record, for assertions and leak scans. */
export function recordingLogger(): LogSink & { records: RecordedLog[]; text(): string } {
  const records: RecordedLog[] = [];
  const push = (level: RecordedLog['level']) => (message: string, extra?: Record<string, unknown>) => {
    records.push({ level, message, ...(extra === undefined ? {} : { extra }) });
  };
  return {
    records,
    debug: push('debug'),
    info: push('info'),
    warn: push('warn'),
    error: push('error'),
    text: () => records.map((r) => `${r.level} ${r.message} ${JSON.stringify(r.extra ?? {})}`).join('\n'),
  };
}
