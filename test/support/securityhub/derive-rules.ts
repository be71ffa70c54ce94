/**
 * The runtime rules (lib/securityhub/model-rules.ts) as they follow from the vendored model
 * (./asff-model.json): a test holds the two equal, so the checker that runs in Lambda never drifts
 * from AWS's model, and never reads test data. Length limits AWS states in member documentation
 * ("Length Constraints: … Maximum length of 256", "Maximum number of 32 items", FieldMap pair and
 * character counts) are read from there; the model's `min`/`max` fields are used where present.
 */
import { readFileSync } from 'node:fs';
import type { AsffShapeRule, MemberRule } from '#lib/securityhub';

interface ModelMember {
  shape: string;
  documentation?: string;
}
interface ModelShape {
  type: string;
  required?: string[];
  members?: Record<string, ModelMember>;
  member?: ModelMember;
  key?: ModelMember;
  value?: ModelMember;
  enum?: string[];
  pattern?: string;
  min?: number;
  max?: number;
}
export interface AsffModel {
  source: { repository: string; commit: string; path: string };
  shapes: Record<string, ModelShape>;
}

export function loadAsffModel(): AsffModel {
  return JSON.parse(readFileSync(new URL('./asff-model.json', import.meta.url), 'utf8')) as AsffModel;
}

function memberRule(member: ModelMember): MemberRule {
  const doc = (member.documentation ?? '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
  const rule: MemberRule = { shape: member.shape };
  const range = /Length Constraints: Minimum (?:length )?of (\d+)(?: length)?\. Maximum (?:length )?of (\d+)/.exec(doc);
  if (range) {
    rule.minLength = Number(range[1]);
    rule.maxLength = Number(range[2]);
  }
  const exact = /Length Constraints: (\d+)\./.exec(doc);
  if (exact) {
    rule.minLength = Number(exact[1]);
    rule.maxLength = Number(exact[1]);
  }
  const items = /Maximum number of (\d+) items/.exec(doc);
  if (items) rule.maxItems = Number(items[1]);
  const pairs = /up to (\d+) key-value pairs/.exec(doc);
  const key = /key can contain up to (\d+) characters/.exec(doc);
  const value = /value can contain up to (\d+) characters/.exec(doc);
  if (pairs && key && value)
    rule.fieldMap = { pairs: Number(pairs[1]), key: Number(key[1]), value: Number(value[1]) };
  return rule;
}

/**
 * `Resources[].Details.Other` states no limits in the model; the user guide gives it the
 * `UserDefinedFields` ones (50 pairs, 128-character keys, 1 024-character values).
 */
const USER_GUIDE_OTHER = { pairs: 50, key: 128, value: 1024 };

export function deriveAsffRules(model: AsffModel): Record<string, AsffShapeRule> {
  const rules: Record<string, AsffShapeRule> = {};
  for (const [name, shape] of Object.entries(model.shapes)) {
    if (shape.type === 'structure') {
      const members = Object.fromEntries(
        Object.entries(shape.members ?? {}).map(([m, member]) => [m, memberRule(member)]),
      );
      if (name === 'ResourceDetails' && members.Other) members.Other.fieldMap = USER_GUIDE_OTHER;
      rules[name] = { type: 'structure', required: shape.required ?? [], members };
    } else if (shape.type === 'list') {
      rules[name] = {
        type: 'list',
        member: shape.member?.shape ?? '',
        ...(shape.min === undefined ? {} : { min: shape.min }),
        ...(shape.max === undefined ? {} : { max: shape.max }),
      };
    } else if (shape.type === 'map') {
      rules[name] = { type: 'map', key: shape.key?.shape ?? '', value: shape.value?.shape ?? '' };
    } else if (shape.type === 'string') {
      rules[name] = {
        type: 'string',
        ...(shape.enum === undefined ? {} : { enum: shape.enum }),
        ...(shape.pattern === undefined ? {} : { pattern: shape.pattern }),
      };
    } else {
      rules[name] = { type: shape.type as 'double' | 'integer' | 'long' | 'boolean' };
    }
  }
  return rules;
}
