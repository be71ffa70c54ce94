import { afterEach, describe, expect, it } from 'vitest';
import { exportDataset } from '#lib/export';
import { deliverFully } from '#support/delivery';
import { type ExportHarness, exportHarness, readRun } from '#support/export-harness';

/**
 * The simulator's vulndetails rows in the shapes recorded from a real SC (strings for numbers,
 * "-1" and "" for missing values, empty pluginText, pluginInfo, uniqueness, family.type,
 * repository.dataFormat), run end to end — export, then delivery — and each delivered field
 * checked against the SC field it comes from, with the expectation written here, not by the code
 * under test.
 */
const settings = { pluginOutputMaxBytes: 1 << 20, partSizeBytes: 1 << 20 };

type Raw = Record<string, unknown>;

const str = (row: Raw, field: string): string => {
  const value = row[field];
  if (typeof value !== 'string') throw new Error(`${field} is not a string: ${JSON.stringify(value)}`);
  return value;
};
const orNull = (value: string) => (value.trim() === '' ? null : value.trim());
const number = (value: string) => (value === '' ? null : Number(value));
const date = (value: string) =>
  value === '' || Number(value) <= 0 ? null : new Date(Number(value) * 1000).toISOString();
const items = (value: string, separator: string) =>
  value === ''
    ? []
    : value
        .split(separator)
        .map((item) => item.trim())
        .filter((item) => item !== '');
const unwrap = (value: string) =>
  value === '' ? null : value.replace(/^<plugin_output>/, '').replace(/<\/plugin_output>$/, '');

/** What the contract (lib/findings/CONTRACT.md) says a raw SC row becomes. */
function expectedFrom(raw: Raw): Record<string, unknown> {
  const severity = raw.severity as Record<string, string>;
  const family = raw.family as Record<string, string>;
  const repository = raw.repository as Record<string, string>;
  return {
    state: str(raw, 'hasBeenMitigated') === '1' ? 'reopened' : 'open',
    severity: { id: Number(severity.id), name: severity.name },
    plugin_id: Number(str(raw, 'pluginID')),
    plugin_name: orNull(str(raw, 'pluginName')),
    ip: str(raw, 'ip'),
    ips: items(str(raw, 'ips'), ','),
    port: Number(str(raw, 'port')),
    protocol: str(raw, 'protocol'),
    dns_name: orNull(str(raw, 'dnsName')),
    netbios_name: orNull(str(raw, 'netbiosName')),
    mac_address: orNull(str(raw, 'macAddress')),
    operating_system: orNull(str(raw, 'operatingSystem')),
    repository: { id: repository.id, name: repository.name },
    first_seen: date(str(raw, 'firstSeen')),
    last_seen: date(str(raw, 'lastSeen')),
    last_mitigated: null,
    has_been_mitigated: str(raw, 'hasBeenMitigated') === '1',
    accept_risk: str(raw, 'acceptRisk') === '1',
    recast_risk: str(raw, 'recastRisk') === '1',
    exploit_available: str(raw, 'exploitAvailable') === '' ? null : str(raw, 'exploitAvailable') === 'Yes',
    exploit_ease: orNull(str(raw, 'exploitEase')),
    exploit_frameworks: orNull(str(raw, 'exploitFrameworks')),
    risk_factor: orNull(str(raw, 'riskFactor')),
    stig_severity: orNull(str(raw, 'stigSeverity')),
    vpr_score: number(str(raw, 'vprScore')),
    cvss_v2_base_score: number(str(raw, 'baseScore')),
    cvss_v2_temporal_score: number(str(raw, 'temporalScore')),
    cvss_v2_vector: orNull(str(raw, 'cvssVector')),
    cvss_v3_base_score: number(str(raw, 'cvssV3BaseScore')),
    cvss_v3_temporal_score: number(str(raw, 'cvssV3TemporalScore')),
    cvss_v3_vector: orNull(str(raw, 'cvssV3Vector')),
    cvss_v4_base_score: number(str(raw, 'cvssV4BaseScore')),
    cvss_v4_vector: orNull(str(raw, 'cvssV4Vector')),
    epss_score: number(str(raw, 'epssScore')),
    acr_score: number(str(raw, 'acrScore')),
    asset_exposure_score: number(str(raw, 'assetExposureScore')),
    cve: items(str(raw, 'cve'), ','),
    bid: items(str(raw, 'bid'), ','),
    xref: items(str(raw, 'xref'), ','),
    see_also: items(str(raw, 'seeAlso'), '\n'),
    family: { id: family.id, name: family.name, type: family.type },
    check_type: orNull(str(raw, 'checkType')),
    plugin_version: orNull(str(raw, 'version')),
    synopsis: orNull(str(raw, 'synopsis')),
    description: orNull(str(raw, 'description')),
    solution: orNull(str(raw, 'solution')),
    plugin_pub_date: date(str(raw, 'pluginPubDate')),
    plugin_mod_date: date(str(raw, 'pluginModDate')),
    vuln_pub_date: date(str(raw, 'vulnPubDate')),
    patch_pub_date: date(str(raw, 'patchPubDate')),
    seol_date: date(str(raw, 'seolDate')),
    vuln_uuid: orNull(str(raw, 'vulnUUID')),
    plugin_output: unwrap(str(raw, 'pluginText')),
    plugin_output_truncated: false,
    dataset: 'vulns',
  };
}

const keyOfRaw = (row: Raw) =>
  `${(row.repository as { id: string }).id}|${row.ip}|${row.port}|${row.protocol}|${row.pluginID}`;
const keyOfDelivered = (row: Raw) =>
  `${(row.repository as { id: string }).id}|${row.ip}|${row.port}|${row.protocol}|${row.plugin_id}`;

describe('recorded SC row shapes end to end (issue 17)', () => {
  let h: ExportHarness;
  afterEach(async () => {
    await h?.close();
  });

  it('exports and delivers vulndetails rows in the recorded shapes, every field as the contract says', async () => {
    // Prepare
    h = await exportHarness();
    const deps = {
      store: h.store,
      events: { publish: async (e: (typeof h.events)[number]) => void h.events.push(e) },
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    };

    // Act
    // Severity floor 0: Info findings (most of the recorded rows) carry "-1" dates and no scores.
    const outcome = await exportDataset(h.deps(), h.settings({ severityFloor: 0 }), 'vulns');
    const rawKey = (outcome as { manifest: string }).manifest.replace(/^.*?raw\//, 'raw/');
    const raw = await readRun(h.store, rawKey);
    const delivered = await readRun(h.store, (await deliverFully(deps, settings, rawKey)).manifest);

    // Assert: the raw rows carry the recorded shapes…
    const rows = raw.rows;
    expect(rows.length).toBeGreaterThan(1000);
    for (const row of rows) {
      for (const field of ['pluginID', 'port', 'firstSeen', 'lastSeen', 'pluginPubDate', 'vulnPubDate'])
        expect(typeof row[field], field).toBe('string');
      expect(row.uniqueness).toBe('repositoryID,ip,dnsName');
      expect(row.pluginInfo).toBe(
        `${row.pluginID} (${row.port}/${{ TCP: 6, UDP: 17, ICMP: 1 }[row.protocol as string]}) ${row.pluginName}`,
      );
      expect(typeof (row.family as { type?: unknown }).type).toBe('string');
      expect((row.repository as { dataFormat?: unknown }).dataFormat).toBe('IPv4');
    }
    expect(rows.some((row) => row.pluginText === '')).toBe(true);
    expect(rows.some((row) => row.pluginText !== '')).toBe(true);
    expect(rows.some((row) => row.vulnPubDate === '-1')).toBe(true);
    expect(rows.some((row) => row.baseScore === '')).toBe(true);

    // …and each is delivered with every field derived from it as the contract says.
    expect(delivered.rows).toHaveLength(rows.length);
    const byKey = new Map(delivered.rows.map((row) => [keyOfDelivered(row), row]));
    for (const row of rows) {
      const got = byKey.get(keyOfRaw(row));
      expect(got, keyOfRaw(row)).toBeDefined();
      const expected = expectedFrom(row);
      for (const [field, value] of Object.entries(expected)) {
        expect(got?.[field], `${keyOfRaw(row)} ${field}`).toEqual(value);
      }
    }
  });
});
