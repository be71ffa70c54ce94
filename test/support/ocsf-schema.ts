import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { OCSF_VERSIONS, type OcsfVersion } from '#lib/ocsf';

/**
 * Validators for the two OCSF classes, per OCSF version sc2aws writes, from the JSON Schema files
 * scripts/ocsf-schema.mjs compiled from the OCSF schema source of that version (vendored in
 * test/support/ocsf/<version>, with the source's LICENSE and NOTICE, so tests need no checkout).
 */
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });

function load(version: OcsfVersion, name: string): ValidateFunction {
  const path = join(import.meta.dirname, 'ocsf', version, `${name}.schema.json`);
  return ajv.compile(JSON.parse(readFileSync(path, 'utf8')));
}

export interface OcsfValidators {
  vulnerabilityFinding: ValidateFunction;
  deviceInventoryInfo: ValidateFunction;
}

/** The validators of each OCSF version sc2aws writes. */
export const validatorsFor: Record<OcsfVersion, OcsfValidators> = Object.fromEntries(
  OCSF_VERSIONS.map((version) => [
    version,
    {
      vulnerabilityFinding: load(version, 'vulnerability_finding'),
      deviceInventoryInfo: load(version, 'device_inventory_info'),
    },
  ]),
) as Record<OcsfVersion, OcsfValidators>;

/** OCSF 1.3.0 (what `bucket` writes by default). */
export const validateVulnerabilityFinding = validatorsFor['1.3.0'].vulnerabilityFinding;
export const validateDeviceInventoryInfo = validatorsFor['1.3.0'].deviceInventoryInfo;

/** The validator's errors as short lines, for failure messages. */
export function schemaErrors(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join('; ');
}
