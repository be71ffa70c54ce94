import { describe, expect, it } from 'vitest';
import { deviceInventoryInfoOf, vulnerabilityFindingOf } from '#lib/ocsf';
import {
  schemaErrors,
  validateDeviceInventoryInfo,
  validateVulnerabilityFinding,
} from '#support/ocsf-schema';
import { assetCases, findingCases } from './rows';

describe('OCSF records validate against the OCSF 1.3.0 schema compiled from its source', () => {
  for (const [name, row] of Object.entries(findingCases)) {
    it(`maps a finding (${name}) to a valid Vulnerability Finding`, () => {
      const record = vulnerabilityFindingOf(row);
      const valid = validateVulnerabilityFinding(record);
      expect(valid, schemaErrors(validateVulnerabilityFinding)).toBe(true);
    });
  }
  for (const [name, row] of Object.entries(assetCases)) {
    it(`maps a host (${name}) to a valid Device Inventory Info`, () => {
      const record = deviceInventoryInfoOf(row);
      const valid = validateDeviceInventoryInfo(record);
      expect(valid, schemaErrors(validateDeviceInventoryInfo)).toBe(true);
    });
  }

  it('rejects records that break the schema, so the validation can fail', () => {
    const good = vulnerabilityFindingOf(findingCases['open, two CVEs, CVSS v2 and v3'] as never);
    const broken = [
      { ...good, type_uid: 200203 },
      { ...good, severity_id: 7 },
      { ...good, severity: 'Low' },
      { ...good, class_uid: 2003 },
      { ...good, finding_info: { ...good.finding_info, uid: undefined } },
      { ...good, vulnerabilities: [{ title: 'neither cve nor cwe', vendor_name: 'Tenable' }] },
      { ...good, device: { ...good.device, mac: 'not-a-mac' } },
      { ...good, time: '2024-04-04T06:00:00Z' },
      { ...good, metadata: { ...good.metadata, unknown_attribute: 1 } },
      { ...good, device: { type_id: 0, type: 'Unknown' } },
    ];
    for (const record of broken) {
      expect(
        validateVulnerabilityFinding(JSON.parse(JSON.stringify(record))),
        JSON.stringify(record).slice(0, 80),
      ).toBe(false);
    }
  });
});
