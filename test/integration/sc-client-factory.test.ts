// @module-tag runtime
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dimensions, Metrics, MetricUnit } from '#lib/metrics';
import { ScApiKeys } from '#lib/secrets';
import { createScClient } from '#lib/tenable';
import { type SimulatorHandle, startSimulator } from '#sim';

/** Records what lib/ code reports, as the Lambdas' metrics would receive it. */
function recordingMetrics(): Metrics & {
  values: { name: string; unit: MetricUnit; value: number; dimensions?: Dimensions }[];
} {
  const values: { name: string; unit: MetricUnit; value: number; dimensions?: Dimensions }[] = [];
  return {
    values,
    addMetric: (name, unit, value, dimensions) =>
      void values.push({ name, unit, value, ...(dimensions === undefined ? {} : { dimensions }) }),
  };
}

/** createScClient over the simulator: the connection settings reach the client, and the metrics. */
describe('createScClient', () => {
  let sim: SimulatorHandle;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 3, vulnCount: 5, fixedCount: 1, hostCount: 2 });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('reaches SC with the connection CA and records each exchange, its retries and errors by code', async () => {
    // Prepare
    const metrics = recordingMetrics();
    const keys = ScApiKeys.fromParts(sim.keys.accessKey, sim.keys.secretKey);
    const sc = createScClient(
      { url: sim.url, ca: sim.caPem, insecureSkipTlsVerify: false },
      { keys, metrics },
    );
    sim.control.injectFault({ kind: 'status', status: 503, times: 1 });

    // Act
    const user = await sc.currentUser().finally(() => sc.close());

    // Assert
    expect(user.username).toBe(sim.users[0]?.username);
    expect(metrics.values.map((v) => [v.name, v.unit])).toEqual([
      ['ScRequestLatency', 'Milliseconds'],
      ['ScRetries', 'Count'],
      ['ScErrors', 'Count'],
      ['ScRequestLatency', 'Milliseconds'],
    ]);
    expect(metrics.values[2]?.dimensions).toEqual({ code: 'SC_TRANSIENT' });
  });

  it('refuses an unknown CA unless the connection skips verification', async () => {
    const keys = ScApiKeys.fromParts(sim.keys.accessKey, sim.keys.secretKey);
    const strict = createScClient({ url: sim.url, insecureSkipTlsVerify: false }, { keys });
    const lax = createScClient({ url: sim.url, insecureSkipTlsVerify: true }, { keys });

    await expect(strict.currentUser().finally(() => strict.close())).rejects.toMatchObject({
      code: 'SC_TLS',
    });
    await expect(lax.currentUser().finally(() => lax.close())).resolves.toMatchObject({
      username: sim.users[0]?.username,
    });
  });
});
