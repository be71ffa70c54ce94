import { Sc2awsError } from '#lib/errors';

/** A failed key validation or rotation step; its code says which (see `ErrorCode`). */
export class RotationError extends Sc2awsError {}

/** The operator's next step when nothing is staged: SC has no key-generation API (reference §6). */
export function stagingHelp(secretId: string): string {
  return `Generate new API keys for the service user in SC (Users > Edit User > API Keys > Generate), then run: sc2aws keys stage --secret-id ${secretId} --url https://<your SC> --keys-file <file with the new keys> --rotate`;
}
