import * as z from 'zod/mini';
import { partInfoSchema } from '#lib/sink';

const count = z.int().check(z.nonnegative());

/**
 * One OCSF file as a manifest lists it: a findings part's fields, and the UTC day (`YYYYMMDD`) of its
 * records' `time`, the Security Lake `eventDay` it is copied to. Absent in manifests written before
 * files were split by day (each file then held a whole findings part, filed under the run's day).
 */
export const ocsfFileInfoSchema = z.extend(partInfoSchema, {
  eventDay: z.optional(z.string().check(z.regex(/^\d{8}$/))),
});
export type OcsfFileInfo = z.infer<typeof ocsfFileInfoSchema>;

/**
 * An OCSF run's `_manifest.json` (`ocsf/class=…/dataset=…/dt=…/run=…/_manifest.json`), written at
 * commit, before the committed list. Field names are part of the consumer contract: add, never rename.
 * Keys as in the findings manifest (lib/sink MANIFEST_VERSION): version 2 names each part, and the
 * `source` findings manifest, by its key in `bucket`, the prefix included; version 1 by keys under
 * the prefix.
 */
export const ocsfRunManifestSchema = z.object({
  manifestVersion: z.union([z.literal(1), z.literal(2)]),
  kind: z.literal('ocsf'),
  ocsfVersion: z.string(),
  classUid: z.int(),
  /** The class folder name: `vulnerability_finding` or `device_inventory_info`. */
  className: z.string(),
  dataset: z.string(),
  runId: z.string(),
  /** The S3 bucket the parts are in (version 2); absent for a local directory. */
  bucket: z.optional(z.string()),
  dt: z.string(),
  /** The findings manifest the files were made from. */
  source: z.string(),
  codec: z.string(),
  /** The files in findings-part order, each part's in day order (`eventDay`). */
  parts: z.array(ocsfFileInfoSchema),
  totals: z.object({ parts: count, rows: count, bytes: count }),
  /** The findings run's createdAt: a recommit writes the same manifest. */
  createdAt: z.string(),
  /** Where the files were copied in Security Lake, when that is the target. */
  securityLake: z.optional(z.object({ bucket: z.string(), keys: z.array(z.string()) })),
});
export type OcsfRunManifest = z.infer<typeof ocsfRunManifestSchema>;
