/**
 * Several SC consoles in one deployment (README "Several SC consoles"). Each console's data lives
 * under its own `console=<id>/` folder of the data prefix: raw runs, findings, changes, the current
 * table, OCSF files and every piece of state (cursors, leases, continuations, the lifecycle). The
 * tables span the consoles through that folder, a partition like `dataset=` and `dt=`.
 */

/** The id of the one console of a deployment configured with today's single-console settings. */
export const DEFAULT_CONSOLE_ID = 'default';

/** The folder of one console inside the data prefix, ending in `/`: `console=<id>/`. */
export function consoleFolder(consoleId: string): string {
  return `console=${consoleId}/`;
}

/**
 * The key prefix of one console's data: the deployment's data prefix with the console's folder
 * (`sc2aws` → `sc2aws/console=emea`; `''` → `console=emea`). Every store a function opens for a
 * console is rooted here, so each console's runs, state, leases and continuations stay its own.
 */
export function consolePrefix(dataPrefix: string, consoleId: string): string {
  const folder = consoleFolder(consoleId).slice(0, -1);
  return dataPrefix === '' ? folder : `${dataPrefix}/${folder}`;
}
