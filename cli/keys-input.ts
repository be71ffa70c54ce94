import { readFile, stat } from 'node:fs/promises';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createApiKeySource, DEFAULT_VERSION_STAGE, keyProviderOf, ScApiKeys } from '#lib/secrets';
import type { KeyProvider } from '#lib/tenable';
import { CliUsageError } from './exit-codes';
import type { CliIo } from './io';

/** Where the CLI reads the SC API keys from: exactly one of these. */
export interface KeysFlags {
  keysEnv?: string;
  keysFile?: string;
  secretId?: string;
  versionStage?: string;
  region?: string;
}

/** The key-source flags shared by `validate` and `export`, as {@link KeysFlags}. */
export function keysFlagsOf(
  flags: { 'keys-env'?: string; 'keys-file'?: string; 'secret-id'?: string; 'version-stage'?: string },
  region: string | undefined,
): KeysFlags {
  return {
    ...(flags['keys-env'] === undefined ? {} : { keysEnv: flags['keys-env'] }),
    ...(flags['keys-file'] === undefined ? {} : { keysFile: flags['keys-file'] }),
    ...(flags['secret-id'] === undefined ? {} : { secretId: flags['secret-id'] }),
    ...(flags['version-stage'] === undefined ? {} : { versionStage: flags['version-stage'] }),
    ...(region === undefined ? {} : { region }),
  };
}

/** Checks that exactly one source was named; throws a usage error otherwise. */
function checkKeySource(flags: KeysFlags): void {
  const given = [flags.keysEnv, flags.keysFile, flags.secretId].filter((v) => v !== undefined).length;
  if (given !== 1) {
    throw new CliUsageError(
      given === 0
        ? 'No API keys given. Use one of --keys-env VAR, --keys-file FILE or --secret-id ID.'
        : 'Give only one of --keys-env, --keys-file and --secret-id.',
    );
  }
  if (flags.versionStage !== undefined && flags.secretId === undefined) {
    throw new CliUsageError('--version-stage only applies to --secret-id.');
  }
}

/**
 * Resolves the key source named on the command line. Local sources are read and parsed here, before
 * any network call, so a bad secret format is reported as bad input. A keys file others can read
 * is warned about on stderr.
 */
export async function resolveKeys(
  flags: KeysFlags,
  io: Pick<CliIo, 'env' | 'stderr'>,
): Promise<{ provider: KeyProvider; describe: string }> {
  const { env } = io;
  checkKeySource(flags);
  if (flags.keysEnv !== undefined) {
    const value = env[flags.keysEnv];
    if (value === undefined || value === '') {
      throw new CliUsageError(
        `The environment variable ${flags.keysEnv} is not set or empty. Set it to "accesskey=<access key>; secretkey=<secret key>;".`,
      );
    }
    const keys = ScApiKeys.parse(value);
    return { provider: { current: async () => keys }, describe: `environment variable ${flags.keysEnv}` };
  }
  if (flags.keysFile !== undefined) {
    let text: string;
    try {
      text = await readFile(flags.keysFile, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new CliUsageError(
        `Cannot read the keys file ${flags.keysFile} (${code}). Check the path and its permissions.`,
      );
    }
    const keys = ScApiKeys.parse(text);
    await warnIfShared(flags.keysFile, io.stderr);
    return { provider: { current: async () => keys }, describe: `file ${flags.keysFile}` };
  }
  const secretId = flags.secretId as string;
  const region = flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region === undefined || region === '') {
    throw new CliUsageError(
      'No AWS region for --secret-id. Pass --region (e.g. --region eu-west-1) or set AWS_REGION.',
    );
  }
  const source = createApiKeySource({ client: new SecretsManagerClient({ region }), secretId });
  const stage = flags.versionStage ?? DEFAULT_VERSION_STAGE;
  // Read once now so a missing secret or a bad format is reported before SC is contacted.
  const first = await source.get({ versionStage: stage });
  return {
    provider: keyProviderOf(source, { versionStage: stage }),
    describe: `secret ${first.secretArn} (${stage}, version ${first.versionId})`,
  };
}

/**
 * Warns (names the file and the fix, never its content) when the keys file is readable by its group
 * or by others: anyone who can read it can act as the SC service user. POSIX modes only; Windows
 * reports no meaningful group/other bits.
 */
async function warnIfShared(file: string, stderr: CliIo['stderr']): Promise<void> {
  if (process.platform === 'win32') return;
  const mode = (await stat(file).catch(() => undefined))?.mode;
  if (mode === undefined || (mode & 0o044) === 0) return;
  const octal = (mode & 0o777).toString(8).padStart(3, '0');
  stderr.write(
    `warning: the keys file ${file} is readable by ${(mode & 0o004) !== 0 ? 'others' : 'its group'} (mode ${octal}); anyone who can read it can use SC as the service user. Fix: chmod 600 ${file}\n`,
  );
}
