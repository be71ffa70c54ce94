import { describe, expect, it } from 'vitest';
import {
  assetId,
  createNormalizeContext,
  type DeliveredFinding,
  findingId,
  normalizeRow,
  RowRejectedError,
} from '#lib/findings';
import { contextFor, sumIpRow, vulnRow } from './fixtures';
import { asset, fixedFinding, openFinding } from './helpers';

describe('finding_id and asset_id', () => {
  it('are 32 lower-case hex characters', () => {
    // Act
    const row = openFinding();

    // Assert
    expect(row.finding_id).toMatch(/^[0-9a-f]{32}$/);
    expect(row.asset_id).toMatch(/^[0-9a-f]{32}$/);
    expect(row.finding_id).not.toBe(row.asset_id);
  });

  it('stay the same when anything but the identity changes', () => {
    // Prepare
    const before = openFinding();

    // Act
    const after = openFinding({
      lastSeen: '1712300000',
      firstSeen: '1700000000',
      severity: { id: '4', name: 'Critical' },
      vprScore: '9.9',
      pluginText: 'other output',
      hasBeenMitigated: '1',
      pluginName: 'renamed plugin',
      macAddress: '00:00:00:00:00:01',
      ips: '10.238.64.10,10.0.0.9',
    });

    // Assert
    expect(after.finding_id).toBe(before.finding_id);
    expect(after.asset_id).toBe(before.asset_id);
  });

  it('tell two consoles that scan the same host apart, and keep the ids a single console always had', () => {
    // Prepare: one row as two consoles of one deployment deliver it.
    const onConsole = (consoleId: string | undefined) => {
      const result = normalizeRow(
        vulnRow(),
        createNormalizeContext({ ...contextFor('vulns'), ...(consoleId === undefined ? {} : { consoleId }) }),
      );
      if (!result.ok) expect.fail(result.reason);
      return result.row as DeliveredFinding;
    };

    // Act
    const unnamed = onConsole(undefined);
    const byDefault = onConsole('default');
    const emea = onConsole('emea');
    const apac = onConsole('apac');

    // Assert: the default console's ids are the ids before consoles (findingId of the raw row).
    expect(byDefault).toMatchObject({ finding_id: findingId(vulnRow()), asset_id: assetId(vulnRow()) });
    expect(unnamed).toMatchObject({ finding_id: byDefault.finding_id, console_id: 'default' });
    expect(emea).toMatchObject({ finding_id: findingId(vulnRow(), 'emea'), console_id: 'emea' });
    const findingIds = new Set([byDefault, emea, apac].map((row) => row.finding_id));
    const assetIds = new Set([byDefault, emea, apac].map((row) => row.asset_id));
    expect(findingIds.size).toBe(3);
    expect(assetIds.size).toBe(3);
  });

  it('follow a finding from the vulns to the fixed dataset', () => {
    expect(fixedFinding().finding_id).toBe(openFinding().finding_id);
  });

  it('do not depend on how SC spelled the values (numbers, case, blanks, leading zeros)', () => {
    // Act
    const spelled = openFinding({
      repository: { id: 1, name: 'Main' },
      port: 0,
      pluginID: 123560,
      protocol: 'tcp',
      ip: ' 10.238.64.10 ',
      dnsName: 'TARGET-CENT7.example',
    });

    // Assert
    expect(spelled.finding_id).toBe(openFinding().finding_id);
    expect(openFinding({ port: '0443' }).finding_id).toBe(openFinding({ port: 443 }).finding_id);
  });

  it.each([
    ['repository id', { repository: { id: '2', name: 'Main' } }],
    ['ip', { ip: '10.238.64.11' }],
    ['dnsName', { dnsName: 'other.example' }],
    ['port', { port: '22' }],
    ['protocol', { protocol: 'UDP' }],
    ['pluginID', { pluginID: '123561' }],
    ['host uuid', { hostUUID: '6c3e1c3a-8e4f-4e38-a9de-3b8e1b0e4a11' }],
  ])('change when the %s changes', (_label, overrides) => {
    expect(openFinding(overrides).finding_id).not.toBe(openFinding().finding_id);
  });

  it('identify an agent host by its uuid, so a DNS rename keeps the ids', () => {
    // Prepare
    const agent = { hostUUID: '6c3e1c3a-8e4f-4e38-a9de-3b8e1b0e4a11' };

    // Act
    const before = openFinding({ ...agent, dnsName: 'old.example' });
    const after = openFinding({ ...agent, dnsName: 'new.example' });

    // Assert
    expect(after.finding_id).toBe(before.finding_id);
    expect(after.asset_id).toBe(before.asset_id);
    expect(openFinding({ uuid: agent.hostUUID }).finding_id).toBe(before.finding_id);
  });

  it('identify a network-scanned host (no uuid) by its DNS name', () => {
    expect(openFinding({ dnsName: 'a.example' }).asset_id).not.toBe(
      openFinding({ dnsName: 'b.example' }).asset_id,
    );
  });

  it('never take a DNS name for a uuid of the same spelling', () => {
    expect(openFinding({ dnsName: 'x1', hostUUID: '' }).finding_id).not.toBe(
      openFinding({ dnsName: '', hostUUID: 'x1' }).finding_id,
    );
  });

  it("give a finding the asset_id of its host's sumip row", () => {
    expect(openFinding().asset_id).toBe(asset().asset_id);
  });

  it('are what findingId and assetId compute from the raw row', () => {
    expect(findingId(vulnRow())).toBe(openFinding().finding_id);
    expect(assetId(vulnRow())).toBe(openFinding().asset_id);
    expect(assetId(sumIpRow())).toBe(asset().asset_id);
  });

  it('cannot be computed without ip or pluginID', () => {
    expect(() => findingId(vulnRow({ ip: '' }))).toThrow(RowRejectedError);
    expect(() => findingId(vulnRow({ pluginID: undefined }))).toThrow(/pluginID: missing/);
    expect(() => assetId({ dnsName: 'x' })).toThrow(/ip: missing/);
  });
});
