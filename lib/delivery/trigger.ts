import * as z from 'zod/mini';
import { ErrorCode, Sc2awsError } from '#lib/errors';
import { DetailType, eventDetail } from '#lib/events';

const direct = z.object({ manifest: z.string() });

/**
 * The raw manifest an invocation delivers, as a key under the deployment's prefix: from the
 * `Export Completed` event, or `{"manifest":"s3://bucket/prefix/raw/…/_manifest.json"}` to
 * (re)deliver any past run. Manifests outside the deployment's bucket and prefix are refused: the
 * function's role may not read them, and delivering them here would mix deployments. An
 * `Export Completed` event whose detail does not fit its schema is refused (`EVENT_DETAIL_INVALID`).
 */
export function manifestKeyForEvent(event: unknown, bucket: string, prefix: string): string {
  const uri =
    eventDetail(event, DetailType.ExportCompleted)?.manifest ??
    eventDetail(event, DetailType.DeliveryContinuationRequested)?.manifest ??
    direct.safeParse(event).data?.manifest;
  if (uri === undefined) {
    throw new Sc2awsError(
      ErrorCode.EventUnsupported,
      `forward-results received an event it does not handle. It takes "${DetailType.ExportCompleted}" and "${DetailType.DeliveryContinuationRequested}" events, and {"manifest":"s3://<bucket>/<prefix>/raw/…/_manifest.json"}.`,
    );
  }
  const root = `s3://${bucket}/${prefix === '' ? '' : `${prefix}/`}`;
  if (!uri.startsWith(`${root}raw/`) || !uri.endsWith('/_manifest.json')) {
    throw new Sc2awsError(
      ErrorCode.ManifestOutsideDeployment,
      `The manifest ${uri.slice(0, 300)} is not a raw run manifest under ${root}raw/. Fix: pass the s3:// address of a raw _manifest.json of this deployment.`,
    );
  }
  return uri.slice(root.length);
}
