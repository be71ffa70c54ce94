import * as z from 'zod/mini';
import { ErrorCode, Sc2awsError, schemaProblem } from '#lib/errors';
import { DetailType, EventDetailError, eventDetail } from '#lib/events';
import { DEFAULT_CONSOLE_ID } from '#lib/product';
import { DATASETS, type Dataset } from './datasets';

const datasetNames = z.array(z.enum(DATASETS));
/** The event contract names datasets as strings (lib/events knows no datasets); these are ours. */
const continuationDetail = z.object({ datasets: datasetNames, consoleId: z.optional(z.string()) });

const scheduled = z.object({ source: z.literal('aws.events'), 'detail-type': z.literal('Scheduled Event') });
/** A console's schedule rule sends `{"console":"<id>"}`; a direct call may also name datasets. */
const direct = z.object({ console: z.optional(z.string()), datasets: z.optional(datasetNames) });

/** A console as the trigger sees it: its id and the datasets it exports. */
export interface ExportConsole {
  consoleId: string;
  datasets: readonly Dataset[];
}

/** What one invocation exports: one console's datasets. */
export interface ExportRequest {
  consoleId: string;
  datasets: Dataset[];
}

const HANDLED = `It takes a console's schedule ({"console":"<id>"}), "${DetailType.ExportContinuationRequested}" events, and {"console":"<id>","datasets":["vulns","fixed","assets"]}`;

/**
 * Which console and datasets an invocation exports: all the console's datasets on its schedule (or a
 * direct call without datasets), the listed ones on a continuation or `{"datasets":[…]}`. Listed
 * datasets outside the console's configuration are ignored. An event that names no console is the
 * deployment's only console's; with several consoles it is refused, as is a console not configured
 * and a continuation whose detail does not fit its schema.
 */
export function exportRequestOf(event: unknown, consoles: readonly ExportConsole[]): ExportRequest {
  const pick = (named: string | undefined, wanted?: readonly Dataset[]): ExportRequest => {
    const found = consoleNamed(named, consoles);
    const datasets = found.datasets.filter((d) => wanted === undefined || wanted.includes(d));
    return { consoleId: found.consoleId, datasets };
  };
  if (scheduled.safeParse(event).success) return pick(undefined);
  const continuation = eventDetail(event, DetailType.ExportContinuationRequested);
  if (continuation !== undefined) {
    const named = continuationDetail.safeParse(continuation);
    if (!named.success) {
      throw new EventDetailError(
        `pull-analysis refused an "${DetailType.ExportContinuationRequested}" event: ${schemaProblem(named.error.issues, continuation)}. Fix: only sc2aws publishes this event; check that every function runs the same sc2aws version.`,
      );
    }
    // Continuations published before consoles name none: they were the one console's.
    return pick(
      named.data.consoleId ?? (consoles.length === 1 ? undefined : DEFAULT_CONSOLE_ID),
      named.data.datasets,
    );
  }
  const call = direct.safeParse(event);
  if (call.success && (event as { source?: unknown }).source === undefined)
    return pick(call.data.console, call.data.datasets);
  throw new Sc2awsError(
    ErrorCode.EventUnsupported,
    `pull-analysis received an event it does not handle. ${HANDLED}.`,
  );
}

function consoleNamed(named: string | undefined, consoles: readonly ExportConsole[]): ExportConsole {
  const ids = consoles.map((c) => c.consoleId).join(', ');
  if (named === undefined) {
    if (consoles.length === 1) return consoles[0] as ExportConsole;
    throw new Sc2awsError(
      ErrorCode.EventUnsupported,
      `pull-analysis received an event that names no console, and this deployment has several (${ids}). ${HANDLED}.`,
    );
  }
  const found = consoles.find((c) => c.consoleId === named);
  if (found === undefined) {
    throw new Sc2awsError(
      ErrorCode.EventUnsupported,
      `pull-analysis received an event for the console "${named.slice(0, 40)}", which this deployment does not have (its consoles: ${ids}). Fix: name one of them, or add the console to the consoles parameter and deploy.`,
    );
  }
  return found;
}
