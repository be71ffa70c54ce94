import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { DetailType, EVENT_SOURCE } from '#lib/events';
import type { AwsFake, FakeEvent } from './aws-fake';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

export interface Invocation {
  fn: 'validate-keys' | 'pull-analysis' | 'forward-results';
  trigger: string;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/**
 * The bundled Lambda artifacts (dist/functions/<fn>/index.mjs, what `serverless deploy` ships),
 * loaded in this process, and a queue that routes events to them the way the deployment's
 * EventBridge rules and the Secrets Manager rotation do.
 */
export class LocalLambdas {
  readonly invocations: Invocation[] = [];
  private readonly queue: { fn: Invocation['fn']; event: unknown; trigger: string }[] = [];
  private handlers: Record<Invocation['fn'], Handler> | undefined;

  constructor(
    private readonly distDir: string,
    aws: AwsFake,
    /** Simulated Lambda clock per invocation: the time it starts with and what each look at the clock costs. */
    private readonly clock: Record<Invocation['fn'], { startMs: number; perCallMs: number }>,
    private readonly progress: (line: string) => void,
  ) {
    aws.onEvent = (event) => this.route(event);
    // Each console's secret has the one rotation Lambda; validate-keys finds the console by SecretId.
    aws.onRotate = (secretArn, token) => {
      for (const Step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) {
        this.enqueue(
          'validate-keys',
          { Step, SecretId: secretArn, ClientRequestToken: token, RotationToken: randomUUID() },
          `rotation ${Step}`,
        );
      }
    };
  }

  /** Imports the three bundles once the environment is set (their cold start reads it). */
  async load(): Promise<void> {
    const load = async (fn: string) =>
      (
        (await import(pathToFileURL(`${this.distDir}/functions/${fn}/index.mjs`).href)) as {
          handler: Handler;
        }
      ).handler;
    this.handlers = {
      'validate-keys': await load('validate-keys'),
      'pull-analysis': await load('pull-analysis'),
      'forward-results': await load('forward-results'),
    };
  }

  /** The deployment's rules (serverless.yml / infra/events.yml), as code. */
  private route(event: FakeEvent): void {
    const type = event['detail-type'];
    // sc2aws' own events name their console; the progress line says which.
    const of = typeof event.detail.consoleId === 'string' ? ` [${event.detail.consoleId}]` : '';
    if (
      event.source === 'aws.secretsmanager' &&
      type === 'Secret Label Updated' &&
      event.detail.labelUpdated === 'AWSCURRENT'
    ) {
      this.enqueue('validate-keys', event, 'Secret Label Updated');
    } else if (event.source === EVENT_SOURCE && type === DetailType.ExportContinuationRequested) {
      this.enqueue('pull-analysis', event, `${DetailType.ExportContinuationRequested}${of}`);
    } else if (event.source === EVENT_SOURCE && type === DetailType.DeliveryContinuationRequested) {
      this.enqueue('forward-results', event, `${DetailType.DeliveryContinuationRequested}${of}`);
    } else if (event.source === EVENT_SOURCE && type === DetailType.ExportCompleted) {
      this.enqueue(
        'forward-results',
        event,
        `${DetailType.ExportCompleted} (${String(event.detail.dataset)})${of}`,
      );
    }
  }

  enqueue(fn: Invocation['fn'], event: unknown, trigger: string): void {
    this.queue.push({ fn, event, trigger });
  }

  /** Invokes queued work one at a time until nothing is left (EventBridge's async delivery, in order). */
  async drain(): Promise<void> {
    if (this.handlers === undefined) throw new Error('load() first');
    for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
      const { startMs, perCallMs } = this.clock[next.fn];
      let calls = 0;
      const context = {
        functionName: `sc2aws-demo-${next.fn}`,
        invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:sc2aws-demo-${next.fn}`,
        awsRequestId: randomUUID(),
        // pull-analysis asks once per page, so its deadline arrives after a known number of pages.
        getRemainingTimeInMillis: () => Math.max(0, startMs - perCallMs * calls++),
      };
      this.progress(`  ${next.fn} ← ${next.trigger}`);
      try {
        const result = await this.handlers[next.fn](next.event, context);
        this.invocations.push({ fn: next.fn, trigger: next.trigger, ok: true, result });
      } catch (err) {
        const message = (err as Error).message;
        this.invocations.push({ fn: next.fn, trigger: next.trigger, ok: false, error: message });
        this.progress(`    failed: ${message.slice(0, 200)}`);
      }
    }
  }
}
