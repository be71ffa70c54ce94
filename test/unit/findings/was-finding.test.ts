import { describe, expect, it } from 'vitest';
import { type DeliveredFinding, normalizeRow } from '#lib/findings';
import { contextFor, vulnRow } from './fixtures';

/**
 * A web-application-scanning (WAS) finding as SC 6 mixes it into cumulative vulndetails when asked
 * to (reference §3.1, `wasVuln`): a web application with its URL, no port or port 0, and plugin
 * output that is plain text rather than `<plugin_output>`-wrapped.
 */
function wasRow(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const { port: _port, ...hostRow } = vulnRow();
  return {
    ...hostRow,
    pluginID: '98000',
    pluginName: 'Cross-Site Scripting (XSS)',
    ip: '10.40.0.7',
    ips: '10.40.0.7',
    dnsName: 'shop.example.com',
    protocol: 'TCP',
    pluginText: 'Injected payload reflected in parameter q of GET /search',
    family: { id: '1000001', name: 'Web Application Vulnerabilities', type: 'was' },
    wasURL: 'https://shop.example.com/search?q=1',
    ...overrides,
  };
}

function deliver(row: Record<string, unknown>): DeliveredFinding {
  const result = normalizeRow(row, contextFor('vulns'));
  if (!result.ok) expect.fail(`rejected: ${result.reason}`);
  return result.row as DeliveredFinding;
}

describe('normalizeRow on web-application-scanning findings', () => {
  it('delivers a WAS row without a port, keeping its URL and its plain plugin output', () => {
    // Act
    const finding = deliver(wasRow());

    // Assert
    expect(finding).toMatchObject({
      was_url: 'https://shop.example.com/search?q=1',
      port: null,
      plugin_id: 98000,
      dns_name: 'shop.example.com',
      plugin_output: 'Injected payload reflected in parameter q of GET /search',
      family: { id: '1000001', name: 'Web Application Vulnerabilities', type: 'was' },
    });
  });

  it.each(['0', '443'])('delivers a WAS row with port "%s" and keeps its URL', (port) => {
    expect(deliver(wasRow({ port }))).toMatchObject({
      port: Number(port),
      was_url: 'https://shop.example.com/search?q=1',
    });
  });

  it('leaves was_url null on a host finding', () => {
    expect(deliver(vulnRow()).was_url).toBeNull();
  });
});
