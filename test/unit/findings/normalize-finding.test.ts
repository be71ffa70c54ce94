import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeliveredFinding } from '#lib/findings';
import { COLLECTED_AT } from './fixtures';
import { fixedFinding, openFinding } from './helpers';

type Case = [string, Record<string, unknown>, keyof DeliveredFinding, unknown];

describe('normalizeRow on vulndetails rows (reference §3.3 quirks)', () => {
  it.each<Case>([
    ['port', { port: '443' }, 'port', 443],
    ['port sent as a JSON number', { port: 443 }, 'port', 443],
    ['pluginID', { pluginID: '123560' }, 'plugin_id', 123560],
    ['pluginID sent as a JSON number', { pluginID: 123560 }, 'plugin_id', 123560],
    ['vprScore', { vprScore: '6.7' }, 'vpr_score', 6.7],
    ['baseScore (CVSS v2)', { baseScore: '9.3' }, 'cvss_v2_base_score', 9.3],
    ['temporalScore (CVSS v2)', { temporalScore: '6.9' }, 'cvss_v2_temporal_score', 6.9],
    ['cvssV3BaseScore', { cvssV3BaseScore: '8.8' }, 'cvss_v3_base_score', 8.8],
    ['cvssV3TemporalScore', { cvssV3TemporalScore: '7.7' }, 'cvss_v3_temporal_score', 7.7],
    ['cvssV4BaseScore', { cvssV4BaseScore: '9.3' }, 'cvss_v4_base_score', 9.3],
    ['epssScore', { epssScore: '0.0123' }, 'epss_score', 0.0123],
    ['assetExposureScore', { assetExposureScore: '563' }, 'asset_exposure_score', 563],
    ['acrScore with blanks around it', { acrScore: ' 7 ' }, 'acr_score', 7],
  ])('types %s as a number', (_label, overrides, field, expected) => {
    expect(openFinding(overrides)[field]).toBe(expected);
  });

  it.each<Case>([
    ['vprScore', { vprScore: '' }, 'vpr_score', null],
    ['baseScore', { baseScore: '' }, 'cvss_v2_base_score', null],
    ['acrScore', { acrScore: '' }, 'acr_score', null],
    ['assetExposureScore (OCTI #6372)', { assetExposureScore: '' }, 'asset_exposure_score', null],
    ['cvssV4BaseScore', { cvssV4BaseScore: '' }, 'cvss_v4_base_score', null],
    ['cvssV4Vector', { cvssV4Vector: '' }, 'cvss_v4_vector', null],
    ['epssScore', { epssScore: '' }, 'epss_score', null],
    ['netbiosName', { netbiosName: '' }, 'netbios_name', null],
    ['exploitEase', { exploitEase: '' }, 'exploit_ease', null],
    ['stigSeverity', { stigSeverity: '' }, 'stig_severity', null],
    ['exploitAvailable', { exploitAvailable: '' }, 'exploit_available', null],
    ['uuid and hostUUID', { uuid: '', hostUUID: '' }, 'host_uuid', null],
    ['port', { port: '' }, 'port', null],
    ['vulnUUID', { vulnUUID: '' }, 'vuln_uuid', null],
    ['a missing field', { vprScore: undefined }, 'vpr_score', null],
    ['a JSON null (as /rest/plugin sends)', { baseScore: null }, 'cvss_v2_base_score', null],
  ])('turns an empty %s into null', (_label, overrides, field, expected) => {
    expect(openFinding(overrides)[field]).toBe(expected);
  });

  it.each<Case>([
    ['firstSeen', { firstSeen: '1708664620' }, 'first_seen', '2024-02-23T05:03:40.000Z'],
    ['lastSeen', { lastSeen: '1712207126' }, 'last_seen', '2024-04-04T05:05:26.000Z'],
    ['lastSeen as a JSON number', { lastSeen: 1712207126 }, 'last_seen', '2024-04-04T05:05:26.000Z'],
    ['vulnPubDate', { vulnPubDate: '1553169600' }, 'vuln_pub_date', '2019-03-21T12:00:00.000Z'],
    ['patchPubDate', { patchPubDate: '1554120000' }, 'patch_pub_date', '2019-04-01T12:00:00.000Z'],
    ['pluginPubDate', { pluginPubDate: '1554206400' }, 'plugin_pub_date', '2019-04-02T12:00:00.000Z'],
    ['pluginModDate', { pluginModDate: '1580126400' }, 'plugin_mod_date', '2020-01-27T12:00:00.000Z'],
    ['seolDate "-1"', { seolDate: '-1' }, 'seol_date', null],
    ['vulnPubDate "-1"', { vulnPubDate: '-1' }, 'vuln_pub_date', null],
    ['patchPubDate "0"', { patchPubDate: '0' }, 'patch_pub_date', null],
    ['firstSeen ""', { firstSeen: '' }, 'first_seen', null],
  ])('turns epoch %s into ISO-8601 UTC', (_label, overrides, field, expected) => {
    expect(openFinding(overrides)[field]).toBe(expected);
  });

  it('writes any epoch second from 1970 to 9999 exactly as Date.toISOString does (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 253_402_300_799 }), (seconds) => {
        expect(openFinding({ lastSeen: String(seconds) }).last_seen).toBe(
          new Date(seconds * 1000).toISOString(),
        );
      }),
      { numRuns: 2000, examples: [[1], [951_782_400], [951_868_800], [4_107_542_399], [253_402_300_799]] },
    );
  });

  it.each<Case>([
    ['cve', { cve: 'CVE-2019-3855,CVE-2019-3856' }, 'cve', ['CVE-2019-3855', 'CVE-2019-3856']],
    ['cve with blanks and empty items', { cve: ' CVE-1 , ,CVE-2 ' }, 'cve', ['CVE-1', 'CVE-2']],
    ['an empty cve', { cve: '' }, 'cve', []],
    ['xref', { xref: 'RHSA #2019:0679,CWE #252' }, 'xref', ['RHSA #2019:0679', 'CWE #252']],
    ['bid', { bid: '107237,107238' }, 'bid', ['107237', '107238']],
    [
      'cpe joined with <br/>',
      { cpe: 'cpe:/o:centos:centos:7<br/>cpe:/a:x:y' },
      'cpe',
      ['cpe:/o:centos:centos:7', 'cpe:/a:x:y'],
    ],
    ['an empty cpe', { cpe: '' }, 'cpe', []],
    [
      'seeAlso, one per line',
      { seeAlso: 'https://a.example\r\nhttps://b.example\n' },
      'see_also',
      ['https://a.example', 'https://b.example'],
    ],
    ['ips', { ips: '10.0.0.1, 10.0.0.2' }, 'ips', ['10.0.0.1', '10.0.0.2']],
    ['a list sent as a JSON array', { cve: ['CVE-1', ' CVE-2 '] }, 'cve', ['CVE-1', 'CVE-2']],
  ])('splits %s into a list', (_label, overrides, field, expected) => {
    expect(openFinding(overrides)[field]).toEqual(expected);
  });

  it.each<Case>([
    [
      'severity with string id',
      { severity: { id: '3', name: 'High', description: 'x' } },
      'severity',
      { id: 3, name: 'High' },
    ],
    [
      'severity with a numeric id and no name',
      { severity: { id: 4 } },
      'severity',
      { id: 4, name: 'Critical' },
    ],
    ['a bare severity id', { severity: '0' }, 'severity', { id: 0, name: 'Info' }],
    ['a missing severity', { severity: undefined }, 'severity', null],
    [
      'repository with a numeric id (JIRA fixture)',
      { repository: { id: 1, name: 'Main' } },
      'repository',
      { id: '1', name: 'Main' },
    ],
    [
      'family with a numeric id',
      { family: { id: 18, name: 'CentOS', type: 'active' } },
      'family',
      { id: '18', name: 'CentOS', type: 'active' },
    ],
    ['protocol in lower case', { protocol: 'udp' }, 'protocol', 'UDP'],
  ])('shapes %s', (_label, overrides, field, expected) => {
    expect(openFinding(overrides)[field]).toEqual(expected);
  });

  it.each<Case>([
    ['exploitAvailable "Yes"', { exploitAvailable: 'Yes' }, 'exploit_available', true],
    ['exploitAvailable "No"', { exploitAvailable: 'No' }, 'exploit_available', false],
    ['exploitAvailable "true" (/rest/plugin form)', { exploitAvailable: 'true' }, 'exploit_available', true],
    ['acceptRisk "1"', { acceptRisk: '1' }, 'accept_risk', true],
    ['acceptRisk "0"', { acceptRisk: '0' }, 'accept_risk', false],
    ['recastRisk "1"', { recastRisk: '1' }, 'recast_risk', true],
    ['hasBeenMitigated "1"', { hasBeenMitigated: '1' }, 'has_been_mitigated', true],
  ])('reads %s as a boolean', (_label, overrides, field, expected) => {
    expect(openFinding(overrides)[field]).toBe(expected);
  });

  it('marks a cumulative row open, or reopened when SC says it was mitigated before (§4.2)', () => {
    expect(openFinding({ hasBeenMitigated: '0' }).state).toBe('open');
    expect(openFinding({ hasBeenMitigated: '1' }).state).toBe('reopened');
    expect(openFinding({ hasBeenMitigated: '' }).state).toBe('open');
  });

  it('marks every row of the fixed dataset fixed, with last_mitigated', () => {
    // Act
    const row = fixedFinding({ hasBeenMitigated: '1' });

    // Assert
    expect(row.state).toBe('fixed');
    expect(row.dataset).toBe('fixed');
    expect(row.last_mitigated).toBe('2024-04-04T05:53:20.000Z');
  });

  it('leaves last_mitigated null on open findings even when the row carries one', () => {
    expect(openFinding({ lastMitigated: '1712210000' }).last_mitigated).toBeNull();
  });

  it('counts age_days from first to last seen, rounded down to a tenth of a day', () => {
    expect(openFinding().age_days).toBe(41);
    expect(
      openFinding({ firstSeen: '1000000000', lastSeen: String(1000000000 + 1.96 * 86400) }).age_days,
    ).toBe(1.9);
    expect(openFinding({ firstSeen: '1000000000', lastSeen: '1000000000' }).age_days).toBe(0);
    expect(openFinding({ firstSeen: '1000086400', lastSeen: '1000000000' }).age_days).toBe(0);
    expect(openFinding({ firstSeen: '-1' }).age_days).toBeNull();
  });

  it('carries the run time and provenance from the context, not from the row', () => {
    // Act
    const row = openFinding();

    // Assert
    expect(row).toMatchObject({
      collected_at: COLLECTED_AT,
      run_id: '20240404T060000Z-vulns',
      dataset: 'vulns',
      sc_host: 'sc.example.com',
      sc_version: '6.4.0',
    });
    expect(row.first_seen).not.toBe(row.collected_at);
  });

  it('keeps texts as SC wrote them and vprContext as its JSON text', () => {
    // Act
    const row = openFinding({ description: '  indented\nmulti-line  ', vprContext: '[]' });

    // Assert
    expect(row.description).toBe('  indented\nmulti-line  ');
    expect(row.vpr_context).toBe('[]');
    expect(row.operating_system).toBe('Linux Kernel 3.10 on CentOS Linux release 7.6.1810 (Core)');
  });

  it('takes the host uuid from hostUUID, else from uuid', () => {
    expect(openFinding({ hostUUID: 'AB-1', uuid: 'cd-2' }).host_uuid).toBe('AB-1');
    expect(openFinding({ hostUUID: '', uuid: 'cd-2' }).host_uuid).toBe('cd-2');
  });
});
