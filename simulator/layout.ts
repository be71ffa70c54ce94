/**
 * Where finding number g (a global, store-independent counter) lives: which host, which plugin,
 * which port. The mapping is what guarantees that no two findings share an identity
 * (repositoryID, ip, port, protocol, pluginID — reference §3.3):
 *
 * - host = g mod H, slot = floor(g / H): distinct g give distinct (host, slot);
 * - hosts have distinct IPs (hosts.ts uses a 24-bit bijection);
 * - within a host, slot = L·q + r maps to plugin #((r + rotation) mod L) of the host's L distinct
 *   plugins and to port (plugin.port + 7919·q) mod 65536, which is injective in q for q < 65536
 *   because 7919 is odd. So (plugin, port) differs for any two slots of the same host.
 *
 * Stores take disjoint ranges of g (cumulative [0, V), patched [V, V+F), drift-created rows after),
 * so identities are unique across the whole simulator as long as g < capacity.
 *
 * Plugin (hence severity) and host (hence repository) depend on g mod (H·L) only: that periodicity
 * lets filters be counted arithmetically (match-table.ts).
 */
import type { Host } from './hosts';
import { PLUGIN_DETAILS, type PluginDetails } from './plugin-details';
import { PLUGINS_PER_HOST } from './plugins';

const PORT_STRIDE = 7919;
const PORT_SPACE = 65_536;

export class FindingLayout {
  /** Plugins per host (L). */
  readonly pluginsPerHost = PLUGINS_PER_HOST;
  /** H·L: plugin and host repeat with this period in g. */
  readonly period: number;
  /** Findings the layout can hold before identities would repeat. */
  readonly capacity: number;
  private readonly residuePlugin: Uint16Array;

  constructor(readonly hosts: readonly Host[]) {
    const hostCount = hosts.length;
    this.period = hostCount * this.pluginsPerHost;
    this.capacity = this.period * PORT_SPACE;
    this.residuePlugin = new Uint16Array(this.period);
    for (let r = 0; r < this.period; r++) {
      const host = this.hostAt(r % hostCount);
      const local = (Math.floor(r / hostCount) + host.rotation) % this.pluginsPerHost;
      this.residuePlugin[r] = host.pluginIndices[local] ?? 0;
    }
  }

  /** Host of finding g. */
  hostOf(g: number): Host {
    return this.hostAt(g % this.hosts.length);
  }

  /** Catalog index of the plugin of finding g. */
  pluginIndexOf(g: number): number {
    return this.pluginIndexAtResidue(g % this.period);
  }

  /** Catalog index of the plugin at residue r = g mod period. */
  pluginIndexAtResidue(r: number): number {
    return this.residuePlugin[r] ?? 0;
  }

  /** Plugin details of finding g. */
  pluginOf(g: number): PluginDetails {
    const details = PLUGIN_DETAILS[this.pluginIndexOf(g)];
    if (!details) throw new Error(`no plugin for finding ${g}`);
    return details;
  }

  /** Port of finding g: the plugin's usual port for a host's first L findings, then spread out. */
  portOf(g: number): number {
    const round = Math.floor(Math.floor(g / this.hosts.length) / this.pluginsPerHost);
    return (this.pluginOf(g).seed.port + PORT_STRIDE * round) % PORT_SPACE;
  }

  hostAt(h: number): Host {
    const host = this.hosts[h];
    if (!host) throw new Error(`no host ${h}`);
    return host;
  }
}
