import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  asffBytes,
  asffIdOf,
  asffProblems,
  cutText,
  type FindingRow,
  MAX_FINDING_BYTES,
  toAsffFinding,
} from '#lib/securityhub';
import { createLocalStore, type ObjectStore } from '#lib/sink';
import { changeRows, changeRun, DAY, T0, TARGET } from '#support/securityhub/change-runs';

const TIMES = { createdAt: '2026-12-01T00:00:00.000Z', updatedAt: '2026-12-02T00:00:00.000Z' };

/** Every field rule of README "Security Hub", on rows of the real change feed, held to AWS's model. */
describe('ASFF from the change feed', () => {
  let dir: string;
  let store: ObjectStore;
  const rows: Record<string, FindingRow | undefined> = {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sc2aws-asff-'));
    store = createLocalStore(dir);
    const first = await changeRows(
      store,
      await changeRun(store, 'vulns', T0 + DAY, [
        { host: 1, plugin: 10, lastSeen: T0 + DAY, severity: 4 },
        { host: 2, plugin: 11, lastSeen: T0 + DAY, firstSeen: T0 - 30 * DAY },
        { host: 3, plugin: 12, lastSeen: T0 + DAY, severity: 2 },
      ]),
    );
    rows.new = first.find((r) => r.plugin_id === 10);
    const fixed = await changeRows(
      store,
      await changeRun(store, 'fixed', T0 + 2 * DAY, [
        {
          host: 2,
          plugin: 11,
          lastSeen: T0 + DAY,
          firstSeen: T0 - 30 * DAY,
          lastMitigated: T0 + 2 * DAY - 60,
        },
      ]),
    );
    rows.fixed = fixed[0];
    const later = await changeRows(
      store,
      await changeRun(store, 'vulns', T0 + 3 * DAY, [
        { host: 2, plugin: 11, lastSeen: T0 + 3 * DAY, hasBeenMitigated: true },
        { host: 3, plugin: 12, lastSeen: T0 + 3 * DAY, severity: 2, acceptRisk: true },
      ]),
    );
    rows.reopened = later.find((r) => r.change === 'reopened');
    rows.accepted = later.find((r) => r.change === 'risk_accepted');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const asff = (name: string, patch: Partial<FindingRow> = {}) => {
    const row = rows[name];
    if (row === undefined) throw new Error(`no ${name} row in the change feed`);
    return toAsffFinding({ ...row, ...patch }, TARGET, TIMES);
  };

  it('finds a new, a fixed, a reopened and a risk-accepted change in the feed', () => {
    expect([rows.new?.change, rows.fixed?.change, rows.reopened?.change, rows.accepted?.change]).toEqual([
      'new',
      'fixed',
      'reopened',
      'risk_accepted',
    ]);
  });

  it('makes findings that fit AWS model of ASFF, for every change', () => {
    for (const name of ['new', 'fixed', 'reopened', 'accepted']) expect(asffProblems(asff(name))).toEqual([]);
  });

  it('keeps one Id per SC finding, from its finding_id, through fixed and reopened', () => {
    const fixed = asff('fixed');
    expect(fixed.Id).toBe(asffIdOf(rows.fixed?.finding_id as string));
    expect(asff('reopened').Id).toBe(fixed.Id);
    expect(fixed.SchemaVersion).toBe('2018-10-08');
    expect(fixed.ProductArn).toBe('arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default');
    expect(fixed.AwsAccountId).toBe('123456789012');
  });

  it('names the plugin in GeneratorId and Title, the CVE type in Types, and SC severity through FindingProviderFields only', () => {
    const finding = asff('new');
    expect(finding.GeneratorId).toBe('tenable-sc/plugin/10');
    expect(finding.Title).toBe('Plugin 10');
    expect(finding.FindingProviderFields).toEqual({
      Severity: { Label: 'CRITICAL', Original: 'Critical' },
      Types: ['Software and Configuration Checks/Vulnerabilities/CVE'],
    });
    expect(finding.Severity).toBeUndefined();
    expect(finding.Types).toBeUndefined();
    expect(asff('new', { cve: [] }).FindingProviderFields?.Types).toEqual([
      'Software and Configuration Checks/Vulnerabilities',
    ]);
  });

  it('cuts Title to 256 and Description to 1 024 characters without splitting a character', () => {
    const finding = asff('new', { plugin_name: `${'a'.repeat(254)}😀😀`, description: '😀'.repeat(600) });
    expect(finding.Title).toBe(`${'a'.repeat(254)}…`);
    expect(finding.Description?.length).toBeLessThanOrEqual(1024);
    expect(finding.Description).toBe(`${'😀'.repeat(511)}…`);
    expect(Buffer.from(finding.Description ?? '', 'utf8').toString('utf8')).toBe(finding.Description);
    expect(asffProblems(finding)).toEqual([]);
    expect(cutText('ab😀', 3)).toBe('ab…');
  });

  it('names the host as an Other resource, within Details.Other limits', () => {
    const [resource] = asff('new', { netbios_name: 'n'.repeat(5000) }).Resources ?? [];
    expect(resource?.Type).toBe('Other');
    expect(resource?.Id).toBe(`sc2aws:host/${rows.new?.asset_id}`);
    expect(resource?.Details?.Other).toMatchObject({
      ip: rows.new?.ip,
      dns_name: 'host-1.example',
      repository: 'Main',
      repository_id: '1',
    });
    expect(resource?.Details?.Other?.netbios_name?.length).toBe(1024);
  });

  it('lists each CVE with the CVSS versions SC states, and fix and exploit where SC says', () => {
    const [vulnerability] =
      asff('new', {
        cvss_v3_vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
        patch_pub_date: '2026-01-01T00:00:00.000Z',
        exploit_available: true,
      }).Vulnerabilities ?? [];
    expect(vulnerability).toMatchObject({
      Id: 'CVE-2019-3855',
      Cvss: [
        { Version: '3.1', BaseScore: 8.8, BaseVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
        { Version: '2.0', BaseScore: 9.3 },
      ],
      FixAvailable: 'YES',
      ExploitAvailable: 'YES',
    });
    const plain = asff('new').Vulnerabilities?.[0];
    expect(plain?.FixAvailable).toBeUndefined();
    expect(plain?.ExploitAvailable).toBe('NO');
  });

  it("takes FirstObservedAt and LastObservedAt from SC, and the sender's CreatedAt and UpdatedAt", () => {
    const finding = asff('fixed');
    expect(finding.FirstObservedAt).toBe(new Date((T0 - 30 * DAY) * 1000).toISOString());
    expect(finding.LastObservedAt).toBe(new Date((T0 + DAY) * 1000).toISOString());
    expect([finding.CreatedAt, finding.UpdatedAt]).toEqual([TIMES.createdAt, TIMES.updatedAt]);
  });

  it('archives a fixed finding, makes a reopened one ACTIVE, and archives a risk acceptance with its reason', () => {
    expect(asff('new').RecordState).toBe('ACTIVE');
    expect(asff('fixed').RecordState).toBe('ARCHIVED');
    expect(asff('reopened').RecordState).toBe('ACTIVE');
    const accepted = asff('accepted', { accept_risk_comment: 'compensating control: WAF rule 12' });
    expect(accepted.RecordState).toBe('ARCHIVED');
    expect(accepted.UserDefinedFields).toEqual({
      sc_risk: 'accepted',
      sc_accept_risk_comment: 'compensating control: WAF rule 12',
    });
    expect(asff('new').UserDefinedFields).toBeUndefined();
  });

  it('never sets Workflow, so what an analyst set stays', () => {
    for (const name of ['new', 'fixed', 'reopened', 'accepted']) {
      const finding = asff(name);
      expect(finding.Workflow).toBeUndefined();
      expect(finding.WorkflowState).toBeUndefined();
      expect(finding.Note).toBeUndefined();
    }
  });

  it('stays under 240 KB: the plugin output goes first, then CVEs', () => {
    const withOutput = asff('new', { plugin_output: 'x'.repeat(2000) });
    expect(withOutput.ProductFields?.['tenable-sc/plugin_output']).toHaveLength(2000);
    const cves = Array.from({ length: 4000 }, (_, i) => `CVE-2020-${10000 + i}`);
    const huge = asff('new', { plugin_output: 'x'.repeat(2000), cve: cves });
    expect(asffBytes(huge)).toBeLessThanOrEqual(MAX_FINDING_BYTES);
    expect(huge.ProductFields?.['tenable-sc/plugin_output']).toBeUndefined();
    const kept = huge.Vulnerabilities?.length ?? 0;
    expect(kept).toBeGreaterThan(0);
    expect(huge.ProductFields?.['tenable-sc/cves_left_out']).toBe(String(4000 - kept));
    expect(asffProblems(huge)).toEqual([]);
  });
});
