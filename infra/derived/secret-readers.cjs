// secretReaderArns: the operators who may read the secrets the stack creates besides the functions
// (each console's secret policy, infra/derived/console-resources.cjs, compares them with
// ArnNotLike on aws:PrincipalArn).
'use strict';

const { fail, matches } = require('./checks.cjs');

// What aws:PrincipalArn holds for a caller: the role's ARN (with its path) for an assumed role or an
// SSO permission set, the user's ARN, or the account root. `*` is allowed because the secret policy
// compares with ArnNotLike (SSO role names end in a random suffix). IAM allows a comma in names;
// here it separates ARNs.
const PRINCIPAL_ARN = 'arn:aws(?:-[a-z]+)*:iam::\\d{12}:(?:root|(?:role|user)/[A-Za-z0-9+=.@_/*-]+)';
const PRINCIPAL_ARNS = new RegExp(`^${PRINCIPAL_ARN}(?:,${PRINCIPAL_ARN})*$`);
const SSO_PATH = 'aws-reserved/';
// Every IAM Identity Center role is named AWSReservedSSO_<permission set>_<random suffix>.
const SSO_SET_PREFIX = /^AWSReservedSSO_[^*]/;
const SSO_EXAMPLE =
  'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_SecurityAudit_*';

/**
 * Whether a pattern holding `*` matches every role or user of the account, or a whole path of them.
 * In ArnLike, `*` matches any characters, "/" included: a `*` right after a "/" takes a whole path,
 * a `*` inside the path takes every path below it, and a prefix at the root that "aws-reserved/"
 * starts with takes every SSO role. What is left is a role or user name prefix followed by `*`
 * (under aws-reserved/, one permission set's prefix).
 */
function matchesAClass(arn) {
  if (!arn.includes('*')) return false;
  const parts = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:(role|user)\/(.+)$/.exec(arn);
  if (parts === null) return true; // `*`, a `*` for the account or the partition, or `…:*`
  const [, kind, pathAndName] = parts;
  const star = pathAndName.indexOf('*');
  const slash = pathAndName.lastIndexOf('/');
  if (star <= slash + 1) return true; // `*` in the path, or starting the name
  const literal = pathAndName.slice(0, star);
  const name = pathAndName.slice(slash + 1);
  const underSso = kind === 'role' && (literal.startsWith(SSO_PATH) || SSO_PATH.startsWith(literal));
  return underSso && !SSO_SET_PREFIX.test(name);
}

/** The ARNs of `value` (comma-separated), checked; [] when empty. */
function secretReaderArns(value) {
  const arns = value === '' ? [] : value.split(',');
  const broad = arns.find(matchesAClass);
  if (broad !== undefined) {
    fail(
      'secretReaderArns',
      `has "${broad}", which matches every role or user of the account (or a whole path of them) and would let them all read the SC keys; name each role or user, or a role-name prefix followed by * (an SSO permission set's AWSReservedSSO_<set>_ prefix)`,
      SSO_EXAMPLE,
    );
  }
  matches(
    'secretReaderArns',
    value,
    PRINCIPAL_ARNS,
    'must be IAM role or user ARNs separated by commas (* matches any characters)',
    'arn:aws:iam::123456789012:role/secops-operator',
  );
  return arns;
}

module.exports = { secretReaderArns };
