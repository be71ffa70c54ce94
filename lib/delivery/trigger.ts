import * as z from 'zod/mini';
import { ErrorCode, Sc2awsError } from '#lib/errors';
import { DetailType, eventDetail } from '#lib/events';

const direct = z.object({ manifest: z.string() });

/** What one invocation delivers: a raw manifest of one console, as a key under that console's folder. */
export interface DeliveryRequest {
  consoleId: string;
  /** The manifest's key under `<prefix>/console=<id>/`. */
  manifestKey: string;
}

/**
 * The raw manifest an invocation delivers and the console it belongs to: from the `Export
 * Completed` event, or `{"manifest":"s3://bucket/prefix/console=<id>/raw/…/_manifest.json"}` to
 * (re)deliver any past run. The console is read from the manifest's address (every key of a
 * console is under its `console=<id>/` folder), never guessed. Manifests outside the deployment's
 * bucket and prefix, or of a console it does not have, are refused: the function's role may not
 * read them, and delivering them here would mix deployments. An `Export Completed` event whose
 * detail does not fit its schema is refused (`EVENT_DETAIL_INVALID`).
 */
export function deliveryRequestOf(
  event: unknown,
  bucket: string,
  prefix: string,
  consoleIds: readonly string[],
): DeliveryRequest {
  const uri =
    eventDetail(event, DetailType.ExportCompleted)?.manifest ??
    eventDetail(event, DetailType.DeliveryContinuationRequested)?.manifest ??
    direct.safeParse(event).data?.manifest;
  if (uri === undefined) {
    throw new Sc2awsError(
      ErrorCode.EventUnsupported,
      `forward-results received an event it does not handle. It takes "${DetailType.ExportCompleted}" and "${DetailType.DeliveryContinuationRequested}" events, and {"manifest":"s3://<bucket>/<prefix>/console=<id>/raw/…/_manifest.json"}.`,
    );
  }
  const root = `s3://${bucket}/${prefix === '' ? '' : `${prefix}/`}`;
  const inConsole = /^console=([^/]+)\/(raw\/.+\/_manifest\.json)$/.exec(
    uri.startsWith(root) ? uri.slice(root.length) : '',
  );
  if (inConsole === null) {
    throw new Sc2awsError(
      ErrorCode.ManifestOutsideDeployment,
      `The manifest ${uri.slice(0, 300)} is not a raw run manifest under ${root}console=<id>/raw/. Fix: pass the s3:// address of a raw _manifest.json of this deployment${uri.startsWith(`${root}raw/`) ? ' (this one was written before consoles: run `sc2aws migrate-layout` once, README "Several SC consoles")' : ''}.`,
    );
  }
  const [, consoleId = '', manifestKey = ''] = inConsole;
  if (!consoleIds.includes(consoleId)) {
    throw new Sc2awsError(
      ErrorCode.ManifestOutsideDeployment,
      `The manifest ${uri.slice(0, 300)} belongs to the console "${consoleId.slice(0, 40)}", which this deployment does not have (its consoles: ${consoleIds.join(', ')}). Fix: add the console to the consoles parameter and deploy, or pass a manifest of one of them.`,
    );
  }
  return { consoleId, manifestKey };
}
