// The data bucket's lifecycle rules (infra/data-bucket.yml). raw/ ages per console: every console
// writes its runs under <prefix>/console=<id>/raw/, and a lifecycle filter takes a fixed prefix,
// no wildcard, so each console gets a rule. The rule of <prefix>/raw/ stays, with its id, so runs
// written before the consoles existed still move to STANDARD_IA and expire.
'use strict';

/**
 * raw/ holds raw/committed/ too: a run's committed list ages and expires with its parts. 0 days
 * means "never" for both transition and expiration; with both 0 there is no raw rule at all.
 */
function dataBucketLifecycleRules({ prefix, consoleIds, transition, expiration, noncurrentDays }) {
  const raw = (id, folder) => ({
    Id: id,
    Status: 'Enabled',
    Prefix: `${prefix}/${folder}raw/`,
    ...(transition === 0
      ? {}
      : { Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: transition }] }),
    ...(expiration === 0 ? {} : { ExpirationInDays: expiration }),
  });
  return [
    ...(transition === 0 && expiration === 0
      ? []
      : [
          raw('raw-data-ageing', ''),
          ...consoleIds.map((id) => raw(`raw-data-ageing-${id}`, `console=${id}/`)),
        ]),
    {
      Id: 'noncurrent-versions-and-incomplete-uploads',
      Status: 'Enabled',
      NoncurrentVersionExpiration: { NoncurrentDays: noncurrentDays },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
    },
  ];
}

module.exports = { dataBucketLifecycleRules };
