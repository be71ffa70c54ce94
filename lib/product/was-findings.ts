/**
 * What the export does with web-application-scanning (WAS) findings. SC 6 serves them in cumulative
 * vulndetails unless the request says otherwise (root `wasVuln`, reference §3.1); they describe a
 * web application (a URL, often no port, plugin output not in `<plugin_output>` form), not a host.
 * Excluded by default, as pyTenable and XSOAR do.
 */
export const WAS_FINDINGS = ['exclude', 'include', 'only'] as const;
export type WasFindings = (typeof WAS_FINDINGS)[number];

export const DEFAULT_WAS_FINDINGS: WasFindings = 'exclude';

/** True for a WAS_FINDINGS value. */
export function isWasFindings(value: unknown): value is WasFindings {
  return (WAS_FINDINGS as readonly unknown[]).includes(value);
}
