import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '#sim';
import { analysis, analysisBody } from './analysisClient';

const NOW = Date.parse('2024-03-04T12:00:00Z');
const small = { vulnCount: 400, fixedCount: 50, now: () => NOW };

/** The sumip answer of a simulator: host addresses, in the order SC gives them. */
async function addresses(sim: SimulatorHandle): Promise<string[]> {
  const page = await analysis(sim, analysisBody({ tool: 'sumip', endOffset: 1_000 }));
  return (page.results as unknown as { ip: string }[]).map((row) => row.ip);
}

describe('simulator addressSeed (two consoles scanning overlapping networks)', () => {
  let east: SimulatorHandle;
  let west: SimulatorHandle;
  let other: SimulatorHandle;

  beforeAll(async () => {
    east = await startSimulator({ ...small, seed: 42, hostCount: 30 });
    west = await startSimulator({ ...small, seed: 7, hostCount: 20, addressSeed: 42 });
    other = await startSimulator({ ...small, seed: 7, hostCount: 20 });
  });

  afterAll(async () => {
    await Promise.all([east, west, other].map((sim) => sim.close()));
  });

  it('gives every host of a simulator the address of the same host of the one whose seed it names', async () => {
    const westIps = new Set(await addresses(west));
    const eastIps = new Set(await addresses(east));

    expect(westIps.size).toBe(20);
    expect([...westIps].filter((ip) => eastIps.has(ip))).toHaveLength(20);
    expect([...eastIps].filter((ip) => !westIps.has(ip))).toHaveLength(10);
  });

  it('keeps everything else of the host following its own seed: other MAC addresses, other keys', async () => {
    const macs = async (sim: SimulatorHandle) => {
      const page = await analysis(sim, analysisBody({ tool: 'sumip', endOffset: 1_000 }));
      const rows = page.results as unknown as { ip: string; macAddress: string }[];
      return new Map(rows.map((row) => [row.ip, row.macAddress]));
    };
    const eastMacs = await macs(east);
    const westMacs = await macs(west);

    const shared = [...westMacs.keys()].filter((ip) => eastMacs.has(ip));
    expect(shared).toHaveLength(20);
    for (const ip of shared) expect(westMacs.get(ip)).not.toBe(eastMacs.get(ip));
    expect(west.keys.accessKey).not.toBe(east.keys.accessKey);
  });

  it('leaves the addresses of two seeds apart when no addressSeed is given', async () => {
    const eastIps = new Set(await addresses(east));

    expect((await addresses(other)).filter((ip) => eastIps.has(ip))).toEqual([]);
  });

  it('refuses an addressSeed that is not a 32-bit unsigned integer, naming the option', async () => {
    await expect(startSimulator({ ...small, addressSeed: -1 })).rejects.toThrow(
      /options\.addressSeed must be an integer/,
    );
  });
});
