import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DetailType } from '#lib/events';
import { createConsoleLogger } from '#lib/logging';
import { stageKeys } from '#lib/rotation';
import { createScClient } from '#lib/tenable';
import { parseFlags, regionFlag, scConnectionFlags } from '../args';
import { CliUsageError, ExitCode } from '../exit-codes';
import type { CliIo } from '../io';
import { resolveKeys } from '../keys-input';
import { CONSOLE_FLAGS, consoleFlag } from '../stores';

export const KEYS_STAGE_HELP = `Usage: sc2aws keys stage --secret-id ID --url URL (--keys-file FILE | --keys-env VAR) [--rotate]
                         [--console ID] [--region R] [--ca-file PEM] [--insecure] [--json]

For the operator who just generated new API keys in SC:
  1. proves the new keys against SC's GET /rest/currentUser (on failure nothing in AWS changes, exit 2);
  2. stores them as a new version of the secret labelled SC2AWS_STAGED;
  3. with --rotate, starts the secret's rotation: validate-keys copies them into the rotation's
     AWSPENDING version, tests them again and moves AWSCURRENT to them. An earlier rotation that
     failed or never finished (AWSPENDING left on a version that is not current) is cleared first.
Keys are read from a file or an environment variable only, never from the command line.

  --secret-id ID     the Secrets Manager secret (name or ARN) the Lambdas read
  --url URL          SC base address, e.g. https://sc.example.com
  --keys-file FILE   file holding "accesskey=…; secretkey=…;"
  --keys-env VAR     environment variable holding "accesskey=…; secretkey=…;"
  --rotate           start the rotation right away (recommended: the old keys are already dead in SC)
  --console ID       the console whose keys these are (default: default); named in the output, as
                     validate-keys names it in the Key Validation events of that console's secret
  --region R         AWS region (default: AWS_REGION)
  --ca-file PEM      trust this CA bundle for SC
  --insecure         skip TLS certificate checks (prefer --ca-file)
  --json             print one JSON object on stdout
  -h, --help         this help

Exit codes: 0 staged · 2 SC rejected the keys (nothing changed) · 3 bad input or AWS configuration
            4 SC unreachable, TLS failure, or transient errors
`;

const FLAGS = {
  'secret-id': { type: 'string' },
  url: { type: 'string' },
  'keys-file': { type: 'string' },
  'keys-env': { type: 'string' },
  rotate: { type: 'boolean' },
  region: { type: 'string' },
  'ca-file': { type: 'string' },
  insecure: { type: 'boolean' },
  json: { type: 'boolean' },
  ...CONSOLE_FLAGS,
  help: { type: 'boolean', short: 'h' },
} as const;

/** `sc2aws keys stage`: returns the exit code. */
export async function keysStageCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  const flags = parseFlags(argv, FLAGS, 'keys stage');
  if (flags.help) {
    io.stdout.write(KEYS_STAGE_HELP);
    return ExitCode.Ok;
  }
  const consoleId = consoleFlag(flags.console);
  const secretId = flags['secret-id'];
  if (secretId === undefined) throw new CliUsageError('Missing --secret-id (the secret the Lambdas read).');
  const connection = await scConnectionFlags(flags);
  const region = regionFlag(flags.region) ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  if (region === undefined || region === '') {
    throw new CliUsageError('No AWS region. Pass --region (e.g. --region eu-west-1) or set AWS_REGION.');
  }
  const source = await resolveKeys(
    {
      ...(flags['keys-file'] === undefined ? {} : { keysFile: flags['keys-file'] }),
      ...(flags['keys-env'] === undefined ? {} : { keysEnv: flags['keys-env'] }),
    },
    io,
  );
  const keys = await source.provider.current();
  const logger = createConsoleLogger(io.stderr);
  const result = await stageKeys(
    {
      secrets: new SecretsManagerClient({ region }),
      logger,
      scClientFor: (k) => createScClient(connection, { keys: k, logger }),
    },
    { secretId, keys, rotate: flags.rotate ?? false },
  );
  if (flags.json) {
    io.stdout.write(
      `${JSON.stringify({ staged: true, consoleId, secretId, versionId: result.versionId, rotationStarted: result.rotationStarted, ...(result.clearedPendingVersionId === undefined ? {} : { clearedPendingVersionId: result.clearedPendingVersionId }), user: result.user })}\n`,
    );
  } else {
    io.stdout.write(
      `Keys valid for SC user ${result.user.username} (${result.user.role.name}, ${result.user.organization.name}).\n` +
        `Staged (label SC2AWS_STAGED) for console ${consoleId}: secret ${secretId}, version ${result.versionId}.\n` +
        (result.clearedPendingVersionId === undefined
          ? ''
          : `Cleared an unfinished earlier rotation (AWSPENDING on version ${result.clearedPendingVersionId}).\n`) +
        (result.rotationStarted
          ? `Rotation started: validate-keys tests the keys again and moves AWSCURRENT to this version. Watch for the "${DetailType.KeyRotationCompleted}" event.\n`
          : `Not rotated yet. Run again with --rotate, or: aws secretsmanager rotate-secret --secret-id ${secretId}\n`),
    );
  }
  return ExitCode.Ok;
}
