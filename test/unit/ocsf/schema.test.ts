import { describe, expect, it } from 'vitest';
import { deviceInventoryInfoOf, OCSF_VERSIONS, vulnerabilityFindingOf } from '#lib/ocsf';
import { schemaErrors, validatorsFor } from '#support/ocsf-schema';
import { asset, openFinding } from '../findings/helpers';
import { assetCases, findingCases } from './rows';

for (const version of OCSF_VERSIONS) {
  describe(`OCSF records validate against the OCSF ${version} schema compiled from its source`, () => {
    const validate = validatorsFor[version];

    for (const [name, row] of Object.entries(findingCases)) {
      it(`maps a finding (${name}) to a valid Vulnerability Finding`, () => {
        const record = vulnerabilityFindingOf(row, version);
        expect(record.metadata.version).toBe(version);
        const valid = validate.vulnerabilityFinding(JSON.parse(JSON.stringify(record)));
        expect(valid, schemaErrors(validate.vulnerabilityFinding)).toBe(true);
      });
    }
    for (const [name, row] of Object.entries(assetCases)) {
      it(`maps a host (${name}) to a valid Device Inventory Info`, () => {
        const record = deviceInventoryInfoOf(row, version);
        expect(record.metadata.version).toBe(version);
        const valid = validate.deviceInventoryInfo(JSON.parse(JSON.stringify(record)));
        expect(valid, schemaErrors(validate.deviceInventoryInfo)).toBe(true);
      });
    }

    it("names the row's console as metadata.tenant_uid, valid in both classes", () => {
      const finding = vulnerabilityFindingOf({ ...openFinding(), console_id: 'emea' }, version);
      const host = deviceInventoryInfoOf({ ...asset(), console_id: 'emea' }, version);
      const before = { ...openFinding() } as Partial<ReturnType<typeof openFinding>>;
      delete before.console_id;

      expect(finding.metadata.tenant_uid).toBe('emea');
      expect(host.metadata.tenant_uid).toBe('emea');
      expect(
        vulnerabilityFindingOf(before as ReturnType<typeof openFinding>, version).metadata.tenant_uid,
      ).toBe('default');
      expect(
        validate.vulnerabilityFinding(JSON.parse(JSON.stringify(finding))),
        schemaErrors(validate.vulnerabilityFinding),
      ).toBe(true);
      expect(
        validate.deviceInventoryInfo(JSON.parse(JSON.stringify(host))),
        schemaErrors(validate.deviceInventoryInfo),
      ).toBe(true);
    });

    it('rejects records that break the schema, so the validation can fail', () => {
      const good = vulnerabilityFindingOf(findingCases['open, two CVEs, CVSS v2 and v3'] as never, version);
      const broken = [
        { ...good, type_uid: 200203 },
        { ...good, severity_id: 7 },
        { ...good, severity: 'Low' },
        { ...good, class_uid: 2003 },
        { ...good, finding_info: { ...good.finding_info, uid: undefined } },
        { ...good, vulnerabilities: [{ title: 'neither cve nor cwe', vendor_name: 'Tenable' }] },
        { ...good, vulnerabilities: undefined },
        { ...good, device: { ...good.device, mac: 'not-a-mac' } },
        { ...good, device: { ...good.device, os: { name: 'Cisco IOS', type_id: 301, type: 'Cisco IOS' } } },
        { ...good, time: '2024-04-04T06:00:00Z' },
        { ...good, metadata: { ...good.metadata, unknown_attribute: 1 } },
        { ...good, device: { type_id: 0, type: 'Unknown' } },
        { ...good, observables: [{ name: 'device.ip', type_id: 2, type: 'Hostname', value: '10.0.0.1' }] },
        { ...good, observables: [{ name: 'device.ip', type_id: 31, type: 'IP', value: '10.0.0.1' }] },
      ];
      for (const record of broken) {
        expect(
          validate.vulnerabilityFinding(JSON.parse(JSON.stringify(record))),
          JSON.stringify(record).slice(0, 80),
        ).toBe(false);
      }
    });
  });
}

describe('the two OCSF versions', () => {
  it('put the affected host in resources (1.3.0) or resource (1.1.0), each refused by the other schema', () => {
    const row = findingCases['open, two CVEs, CVSS v2 and v3'] as never;
    const v13 = JSON.parse(JSON.stringify(vulnerabilityFindingOf(row, '1.3.0')));
    const v11 = JSON.parse(JSON.stringify(vulnerabilityFindingOf(row, '1.1.0')));
    expect(v13.resources).toHaveLength(1);
    expect(v13.resource).toBeUndefined();
    expect(v11.resource).toEqual(v13.resources[0]);
    expect(v11.resources).toBeUndefined();
    expect(validatorsFor['1.1.0'].vulnerabilityFinding({ ...v13, metadata: v11.metadata })).toBe(false);
  });

  it('type a CVE observable as 18 in 1.3.0 and as Other in 1.1.0, which has no CVE type', () => {
    const row = findingCases['open, two CVEs, CVSS v2 and v3'] as never;
    const cveOf = (version: '1.1.0' | '1.3.0') =>
      vulnerabilityFindingOf(row, version).observables?.filter((o) => o.name === 'vulnerabilities.cve.uid');
    expect(cveOf('1.3.0')?.map((o) => [o.type_id, o.type])).toEqual([
      [18, 'CVE Object: uid'],
      [18, 'CVE Object: uid'],
    ]);
    expect(cveOf('1.1.0')?.map((o) => [o.type_id, o.type])).toEqual([
      [99, 'CVE ID'],
      [99, 'CVE ID'],
    ]);
    const v11 = JSON.parse(JSON.stringify(vulnerabilityFindingOf(row, '1.1.0')));
    v11.observables = v11.observables.map((o: { name: string }) =>
      o.name === 'vulnerabilities.cve.uid' ? { ...o, type_id: 18, type: 'CVE Object: uid' } : o,
    );
    expect(validatorsFor['1.1.0'].vulnerabilityFinding(v11)).toBe(false);
  });
});
