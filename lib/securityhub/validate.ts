/**
 * Every finding is checked before it is sent against AWS's own model of ASFF: required members,
 * lengths, list sizes, FieldMap limits, enum values and the NonEmptyString pattern, and no member
 * the model does not have. The rules are ./model-rules.ts, derived from the vendored botocore model
 * (a test holds them equal), so the Lambda never reads test data.
 */
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { ASFF_MODEL_RULES } from './model-rules';

/** The limits of one member of a structure, from its documentation in the model. */
export interface MemberRule {
  shape: string;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  fieldMap?: { pairs: number; key: number; value: number };
}

export type AsffShapeRule =
  | { type: 'structure'; required: string[]; members: Record<string, MemberRule> }
  | { type: 'list'; member: string; min?: number; max?: number }
  | { type: 'map'; key: string; value: string }
  | { type: 'string'; enum?: string[]; pattern?: string }
  | { type: 'double' | 'integer' | 'long' | 'boolean' };

const patterns = new Map<string, RegExp>();
function matches(pattern: string, value: string): boolean {
  let re = patterns.get(pattern);
  if (re === undefined) {
    // The model's patterns are whole-value patterns without anchors; `.` must span lines.
    re = new RegExp(`^(?:${pattern})$`, 's');
    patterns.set(pattern, re);
  }
  return re.test(value);
}

function check(
  value: unknown,
  shapeName: string,
  path: string,
  member: MemberRule | undefined,
  problems: string[],
  rules: Record<string, AsffShapeRule>,
): void {
  const shape = rules[shapeName];
  if (shape === undefined) {
    problems.push(`${path}: shape ${shapeName} is not in the model`);
    return;
  }
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        problems.push(`${path}: must be an object`);
        return;
      }
      const record = value as Record<string, unknown>;
      for (const name of shape.required)
        if (record[name] === undefined) problems.push(`${path}.${name}: required`);
      for (const [name, field] of Object.entries(record)) {
        if (field === undefined) continue;
        const rule = shape.members[name];
        if (rule === undefined) problems.push(`${path}.${name}: not a member of ${shapeName}`);
        else check(field, rule.shape, `${path}.${name}`, rule, problems, rules);
      }
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) {
        problems.push(`${path}: must be a list`);
        return;
      }
      const max = Math.min(shape.max ?? Infinity, member?.maxItems ?? Infinity);
      if (value.length > max) problems.push(`${path}: ${value.length} items, at most ${max}`);
      if (shape.min !== undefined && value.length < shape.min)
        problems.push(`${path}: ${value.length} items, at least ${shape.min}`);
      value.forEach((item, i) => {
        check(item, shape.member, `${path}[${i}]`, undefined, problems, rules);
      });
      return;
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        problems.push(`${path}: must be an object`);
        return;
      }
      const entries = Object.entries(value as Record<string, unknown>);
      const limits = member?.fieldMap;
      if (limits !== undefined && entries.length > limits.pairs)
        problems.push(`${path}: ${entries.length} pairs, at most ${limits.pairs}`);
      for (const [key, item] of entries) {
        const at = `${path}[${JSON.stringify(key.slice(0, 40))}]`;
        check(
          key,
          shape.key,
          `${at} (key)`,
          limits && { shape: shape.key, maxLength: limits.key },
          problems,
          rules,
        );
        check(
          item,
          shape.value,
          at,
          limits && { shape: shape.value, maxLength: limits.value },
          problems,
          rules,
        );
      }
      return;
    }
    case 'string': {
      if (typeof value !== 'string') {
        problems.push(`${path}: must be a string`);
        return;
      }
      if (shape.enum !== undefined && !shape.enum.includes(value))
        problems.push(
          `${path}: ${JSON.stringify(value.slice(0, 40))} is not one of ${shape.enum.join(', ')}`,
        );
      if (shape.pattern !== undefined && !matches(shape.pattern, value))
        problems.push(`${path}: does not match ${shape.pattern}`);
      if (member?.maxLength !== undefined && value.length > member.maxLength)
        problems.push(`${path}: ${value.length} characters, at most ${member.maxLength}`);
      if (member?.minLength !== undefined && value.length < member.minLength)
        problems.push(`${path}: ${value.length} characters, at least ${member.minLength}`);
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') problems.push(`${path}: must be a boolean`);
      return;
    default:
      if (typeof value !== 'number' || !Number.isFinite(value)) problems.push(`${path}: must be a number`);
      else if (shape.type !== 'double' && !Number.isInteger(value)) problems.push(`${path}: must be whole`);
  }
}

/**
 * What is wrong with a finding by AWS's model; empty when nothing is.
 *
 * @example
 * ```ts
 * const problems = asffProblems(finding);
 * if (problems.length > 0) throw new AsffInvalidError(finding.Id, problems);
 * ```
 */
export function asffProblems(
  finding: AwsSecurityFinding,
  rules: Record<string, AsffShapeRule> = ASFF_MODEL_RULES,
): string[] {
  const problems: string[] = [];
  check(finding, 'AwsSecurityFinding', 'Finding', undefined, problems, rules);
  return problems;
}
