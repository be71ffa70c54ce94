// Vendors the part of AWS Security Hub's service model that sc2aws's ASFF findings use, as test data
// (test/support/securityhub/asff-model.json). Source: botocore's
// botocore/data/securityhub/2018-10-26/service-2.json (Apache-2.0, see the NOTICE beside the output).
// Kept: the BatchImportFindings request and response, AwsSecurityFinding with the members sc2aws
// sets plus every required one, and the shapes those reach; ResourceDetails only with `Other`.
// Member documentation is kept (AWS states most length limits there), shape documentation dropped.
//
//   node scripts/asff-model.mjs <service-2.json> <botocore commit>
import { readFileSync, writeFileSync } from 'node:fs';

const [source, commit] = process.argv.slice(2);
if (source === undefined || commit === undefined) {
  console.error('usage: node scripts/asff-model.mjs <service-2.json> <botocore commit>');
  process.exit(2);
}
const model = JSON.parse(readFileSync(source, 'utf8'));
const USED = [
  'SchemaVersion',
  'Id',
  'ProductArn',
  'ProductName',
  'CompanyName',
  'GeneratorId',
  'AwsAccountId',
  'FirstObservedAt',
  'LastObservedAt',
  'CreatedAt',
  'UpdatedAt',
  'Title',
  'Description',
  'Remediation',
  'SourceUrl',
  'ProductFields',
  'UserDefinedFields',
  'Resources',
  'Workflow',
  'RecordState',
  'Note',
  'Vulnerabilities',
  'FindingProviderFields',
];
const shapes = {};
const visit = (name) => {
  if (shapes[name] !== undefined) return;
  const { documentation: _doc, ...shape } = model.shapes[name];
  shapes[name] = shape;
  if (name === 'AwsSecurityFinding') {
    const keep = new Set([...USED, ...(shape.required ?? [])]);
    shape.members = Object.fromEntries(Object.entries(shape.members).filter(([m]) => keep.has(m)));
  }
  if (name === 'ResourceDetails') shape.members = { Other: shape.members.Other };
  for (const member of Object.values(shape.members ?? {})) visit(member.shape);
  if (shape.member) visit(shape.member.shape);
  if (shape.key) visit(shape.key.shape);
  if (shape.value) visit(shape.value.shape);
};
visit('BatchImportFindingsRequest');
visit('BatchImportFindingsResponse');
const out = {
  $comment:
    'Part of AWS Security Hub service model from botocore (Apache-2.0, see NOTICE); written by scripts/asff-model.mjs, do not edit.',
  source: {
    repository: 'https://github.com/boto/botocore',
    commit,
    path: 'botocore/data/securityhub/2018-10-26/service-2.json',
  },
  metadata: { apiVersion: model.metadata.apiVersion, serviceId: model.metadata.serviceId },
  shapes: Object.fromEntries(Object.entries(shapes).sort(([a], [b]) => (a < b ? -1 : 1))),
};
writeFileSync('test/support/securityhub/asff-model.json', `${JSON.stringify(out, null, 1)}\n`);
console.log(`${Object.keys(shapes).length} shapes`);
