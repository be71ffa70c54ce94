import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { redactingReplacer, redactText } from './redact';

export { redactText } from './redact';

/**
 * The logging surface lib/ code depends on. Powertools' Logger satisfies it, and so do the CLI's
 * console logger and test recorders.
 */
export interface LogSink {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/**
 * A Powertools Logger (structured JSON for CloudWatch) whose output passes the redacting replacer.
 *
 * @example
 * ```ts
 * const logger = createLambdaLogger('pull-analysis');
 * logger.info('run started', { dataset: 'vulns' });
 * ```
 */
export function createLambdaLogger(serviceName: string): LambdaLogger {
  const logger = new Logger({ serviceName, jsonReplacerFn: redactingReplacer });
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, extra?: Record<string, unknown>): void => {
      if (extra === undefined) logger[level](message);
      else logger[level](message, extra);
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    appendKeys: (keys) => logger.appendKeys(keys),
    addContext: (context) => logger.addContext(context),
  };
}

/** The Lambda logger: a LogSink that also stamps the invocation context on every line. */
export interface LambdaLogger extends LogSink {
  addContext(context: Context): void;
  /** Keys on every line from now on, until replaced (the console of the invocation). */
  appendKeys(keys: Record<string, string>): void;
}

/**
 * Human-readable lines on a stream (the CLI's stderr), redacted like the Lambda logger.
 *
 * @example
 * ```ts
 * const log = createConsoleLogger(process.stderr, { verbose: false });
 * ```
 */
export function createConsoleLogger(
  stream: { write(chunk: string): unknown },
  options: { verbose?: boolean } = {},
): LogSink {
  const line = (level: string, message: string, extra?: Record<string, unknown>) => {
    const tail = extra === undefined ? '' : ` ${JSON.stringify(extra, redactingReplacer)}`;
    stream.write(`${level}: ${redactText(message)}${tail}\n`);
  };
  return {
    debug: (m, e) => {
      if (options.verbose) line('debug', m, e);
    },
    info: (m, e) => {
      if (options.verbose) line('info', m, e);
    },
    warn: (m, e) => line('warning', m, e),
    error: (m, e) => line('error', m, e),
  };
}
