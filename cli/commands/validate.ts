import { createConsoleLogger } from '#lib/logging';
import { ADMINISTRATOR_ROLE_ID, createScClient, type ScUser } from '#lib/tenable';
import { parseFlags, regionFlag, SC_FLAGS, scConnectionFlags } from '../args';
import { ExitCode } from '../exit-codes';
import type { CliIo } from '../io';
import { keysFlagsOf, resolveKeys } from '../keys-input';
import { CONSOLE_FLAGS, consoleFlag } from '../stores';

export const VALIDATE_HELP = `Usage: sc2aws validate --url URL (--keys-env VAR | --keys-file FILE | --secret-id ID [--version-stage S])
                       [--console ID] [--ca-file PEM] [--insecure] [--json]

Proves SC API keys against GET /rest/currentUser and tells whose they are.

Keys (exactly one):
  --keys-env VAR          environment variable holding "accesskey=…; secretkey=…;"
  --keys-file FILE        file holding "accesskey=…; secretkey=…;" (or the JSON form)
  --secret-id ID          AWS Secrets Manager secret name or ARN
  --version-stage S       with --secret-id: AWSCURRENT (default), AWSPENDING or another label
  --region R              with --secret-id: AWS region (default: AWS_REGION)

Connection:
  --url URL               SC base address, e.g. https://sc.example.com (https only)
  --ca-file PEM           trust this CA bundle (SC's self-signed or private-CA certificate)
  --insecure              skip TLS certificate checks (warned about on every run; prefer --ca-file)
  --allow-insecure-http   allow http:// for a loopback SC (local simulator only)
  --console ID            the console these keys are for, named in the output (default: default)

Output:
  --json                  print one JSON object on stdout
  -h, --help              this help

Exit codes: 0 keys valid · 2 SC rejected the keys or API keys are disabled · 3 bad input (nothing sent)
            4 SC unreachable, TLS failure, or transient errors after retries
`;

const FLAGS = {
  ...SC_FLAGS,
  ...CONSOLE_FLAGS,
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** What `--json` prints on success. */
export interface ValidateReport {
  valid: true;
  /** The console the keys were proved for (README "Several SC consoles"). */
  consoleId: string;
  url: string;
  keys: string;
  user: ScUser;
  administrator: boolean;
}

/** `sc2aws validate`: returns the exit code. */
export async function validateCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  const flags = parseFlags(argv, FLAGS, 'validate');
  if (flags.help) {
    io.stdout.write(VALIDATE_HELP);
    return ExitCode.Ok;
  }
  const consoleId = consoleFlag(flags.console);
  const connection = await scConnectionFlags(flags);
  const region = regionFlag(flags.region);
  const keys = await resolveKeys(keysFlagsOf(flags, region), io);
  const client = createScClient(connection, { keys: keys.provider, logger: createConsoleLogger(io.stderr) });
  try {
    const user = await client.currentUser();
    const apiKeys = await keys.provider.current();
    const report: ValidateReport = {
      valid: true,
      consoleId,
      url: client.baseUrl.origin + client.baseUrl.pathname.replace(/\/$/, ''),
      keys: apiKeys.accessKeyId,
      user,
      administrator: user.role.id === ADMINISTRATOR_ROLE_ID,
    };
    if (flags.json) {
      io.stdout.write(`${JSON.stringify(report)}\n`);
    } else {
      io.stdout.write(
        `Keys valid (${keys.describe}).\n  user:         ${user.username} (id ${user.id})\n  role:         ${user.role.name} (id ${user.role.id})\n  organization: ${user.organization.name} (id ${user.organization.id})\n  SC:           ${report.url}\n  console:      ${consoleId}\n`,
      );
    }
    if (report.administrator) {
      io.stderr.write(
        'warning: these keys belong to an Administrator. A dedicated service user with the Vulnerability Analyst role is safer for exports.\n',
      );
    }
    return ExitCode.Ok;
  } finally {
    await client.close();
  }
}
