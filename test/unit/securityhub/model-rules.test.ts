import { describe, expect, it } from 'vitest';
import {
  ASFF_MODEL_RULES,
  ASFF_SCHEMA_VERSION,
  asffProblems,
  FIELD_MAP_KEY_MAX,
  FIELD_MAP_MAX_PAIRS,
  FIELD_MAP_VALUE_MAX,
  MAX_FINDINGS_PER_CALL,
  PRODUCT_FIELD_VALUE_MAX,
} from '#lib/securityhub';
import { deriveAsffRules, loadAsffModel } from '#support/securityhub/derive-rules';

const model = loadAsffModel();

/** A finding with only the members the model requires. */
function minimal() {
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: 'sc2aws/0123',
    ProductArn: 'arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default',
    GeneratorId: 'tenable-sc/plugin/1',
    AwsAccountId: '123456789012',
    CreatedAt: '2026-12-01T00:00:00.000Z',
    UpdatedAt: '2026-12-01T00:00:00.000Z',
    Title: 'T',
    Description: 'D',
    Resources: [{ Type: 'Other', Id: 'sc2aws:host/1' }],
  };
}

describe("the runtime checker's rules", () => {
  it('are exactly what the vendored botocore model says (regenerate with scripts/asff-rules.ts when it changes)', () => {
    expect(ASFF_MODEL_RULES).toEqual(deriveAsffRules(model));
  });

  it('come from botocore, with its source named', () => {
    expect(model.source).toMatchObject({
      repository: 'https://github.com/boto/botocore',
      path: 'botocore/data/securityhub/2018-10-26/service-2.json',
    });
    expect(model.source.commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it("hold the limits sc2aws's constants use, as AWS states them", () => {
    const finding = ASFF_MODEL_RULES.AwsSecurityFinding;
    if (finding?.type !== 'structure') throw new Error('AwsSecurityFinding is a structure');
    expect([...finding.required].sort()).toEqual(
      [
        'AwsAccountId',
        'CreatedAt',
        'Description',
        'GeneratorId',
        'Id',
        'ProductArn',
        'Resources',
        'SchemaVersion',
        'Title',
        'UpdatedAt',
      ].sort(),
    );
    expect(finding.members.Title?.maxLength).toBe(256);
    expect(finding.members.Description?.maxLength).toBe(1024);
    expect(finding.members.Resources?.maxItems).toBe(32);
    expect(finding.members.UserDefinedFields?.fieldMap).toEqual({
      pairs: FIELD_MAP_MAX_PAIRS,
      key: FIELD_MAP_KEY_MAX,
      value: FIELD_MAP_VALUE_MAX,
    });
    expect(finding.members.ProductFields?.fieldMap?.value).toBe(PRODUCT_FIELD_VALUE_MAX);
    expect(ASFF_MODEL_RULES.BatchImportFindingsRequestFindingList).toMatchObject({
      max: MAX_FINDINGS_PER_CALL,
    });
  });
});

describe('asffProblems', () => {
  it('accepts a finding with every required member', () => {
    expect(asffProblems(minimal())).toEqual([]);
  });

  it('names each required member that is missing', () => {
    const { Title: _t, Resources: _r, ...rest } = minimal();
    expect(asffProblems(rest as never).sort()).toEqual([
      'Finding.Resources: required',
      'Finding.Title: required',
    ]);
  });

  it('refuses a title over 256 characters, a blank description, an unknown member and a bad enum value', () => {
    const problems = asffProblems({
      ...minimal(),
      Title: 'x'.repeat(257),
      Description: '  ',
      RecordState: 'GONE' as never,
      Colour: 'red',
    } as never);
    expect(problems).toEqual([
      'Finding.Title: 257 characters, at most 256',
      'Finding.Description: does not match .*\\S.*',
      'Finding.RecordState: "GONE" is not one of ACTIVE, ARCHIVED',
      'Finding.Colour: not a member of AwsSecurityFinding',
    ]);
  });

  it('refuses Details.Other over 50 pairs or with a value over 1 024 characters', () => {
    const other = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    other.k0 = 'v'.repeat(1025);
    const problems = asffProblems({
      ...minimal(),
      Resources: [{ Type: 'Other', Id: 'h', Details: { Other: other } }],
    });
    expect(problems).toEqual([
      'Finding.Resources[0].Details.Other: 51 pairs, at most 50',
      'Finding.Resources[0].Details.Other["k0"]: 1025 characters, at most 1024',
    ]);
  });

  it('refuses a Severity Original over 64 characters and a Workflow status the model does not know', () => {
    const problems = asffProblems({
      ...minimal(),
      FindingProviderFields: { Severity: { Label: 'HIGH', Original: 'x'.repeat(65) } },
      Workflow: { Status: 'DONE' as never },
    });
    expect(problems).toEqual([
      'Finding.FindingProviderFields.Severity.Original: 65 characters, at most 64',
      'Finding.Workflow.Status: "DONE" is not one of NEW, NOTIFIED, RESOLVED, SUPPRESSED',
    ]);
  });
});
