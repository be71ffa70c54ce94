import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type SimulatorHandle, type SimulatorOptions, startSimulator } from '#sim';
import type { AwsFake, FakeSecret } from './aws-fake';

/**
 * The demo's two SC consoles. West scans part of east's network: its hosts take their addresses
 * from east's seed (`addressSeed`), so its 120 hosts have the addresses of east's first 120 while
 * everything else about them — repository, OS, findings, keys — is its own. Two consoles scanning
 * the same 10.x address are two assets.
 */
export const CONSOLES: readonly { id: string; simulator: SimulatorOptions }[] = [
  {
    id: 'east',
    simulator: { seed: 42, vulnCount: 4000, fixedCount: 800, hostCount: 250, reopenedRatio: 0.12 },
  },
  {
    id: 'west',
    simulator: {
      seed: 7,
      addressSeed: 42,
      vulnCount: 1500,
      fixedCount: 300,
      hostCount: 120,
      reopenedRatio: 0.12,
    },
  },
];

/** One running console: its simulator, its secret in the AWS fake, and its simulator's CA on disk. */
export interface DemoConsole {
  id: string;
  sim: SimulatorHandle;
  secret: FakeSecret;
  caFile: string;
}

/** Starts each console's simulator (each with a CA of its own) and creates its secret. */
export async function startConsoles(aws: AwsFake, out: string): Promise<DemoConsole[]> {
  const started: DemoConsole[] = [];
  try {
    for (const { id, simulator } of CONSOLES) {
      const sim = await startSimulator(simulator);
      const caFile = join(out, `sc-ca-${id}.pem`);
      started.push({ id, sim, secret: aws.addSecret(`sc2aws/demo/${id}/sc-keys`), caFile });
      await writeFile(caFile, sim.caPem);
    }
  } catch (err) {
    await Promise.all(started.map((c) => c.sim.close()));
    throw err;
  }
  return started;
}

/** SC_CONSOLES for the Lambdas: each console's URL, secret, CA and the demo's page size and floor. */
export function scConsolesOf(
  consoles: readonly DemoConsole[],
  settings: { pageSize: number; severityFloor: number },
): string {
  return JSON.stringify(
    consoles.map((c) => ({
      id: c.id,
      url: c.sim.url,
      secretArn: c.secret.arn,
      caBundle: c.caFile,
      ...settings,
    })),
  );
}
