// Writes lib/securityhub/model-rules.ts from the vendored model (test/support/securityhub/asff-model.json):
//   npx tsx scripts/asff-rules.ts   (after scripts/asff-model.mjs; a unit test fails while the two differ)
import { writeFileSync } from 'node:fs';
import { deriveAsffRules, loadAsffModel } from '#support/securityhub/derive-rules';

const rules = deriveAsffRules(loadAsffModel());
writeFileSync(
  'lib/securityhub/model-rules.ts',
  `/**
 * AWS's model of ASFF as the runtime checker (./validate.ts) reads it: every shape a sent finding
 * reaches, with the limits AWS states. Derived from test/support/securityhub/asff-model.json
 * (botocore, Apache-2.0) by test/support/securityhub/derive-rules.ts; the test
 * test/unit/securityhub/model-rules.test.ts holds this table equal to that derivation.
 */
import type { AsffShapeRule } from './validate';

export const ASFF_MODEL_RULES: Record<string, AsffShapeRule> = ${JSON.stringify(rules, null, 2)};
`,
);
