import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';

/**
 * Validators for the two OCSF 1.3.0 classes, from the JSON Schema files scripts/ocsf-schema.mjs
 * compiled from the OCSF schema source (vendored in test/support/ocsf, so tests need no checkout).
 */
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });

function load(name: string): ValidateFunction {
  const path = join(import.meta.dirname, 'ocsf', `${name}.schema.json`);
  return ajv.compile(JSON.parse(readFileSync(path, 'utf8')));
}

export const validateVulnerabilityFinding = load('vulnerability_finding');
export const validateDeviceInventoryInfo = load('device_inventory_info');

/** The validator's errors as short lines, for failure messages. */
export function schemaErrors(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join('; ');
}
