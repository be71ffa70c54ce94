// secretReaderArns: the operators who may read the stack's own secret besides the functions
// (infra/secret.yml compares them with ArnNotLike on aws:PrincipalArn).
'use strict';

const { matches } = require('./checks.cjs');

// What aws:PrincipalArn holds for a caller: the role's ARN (with its path) for an assumed role or an
// SSO permission set, the user's ARN, or the account root. `*` is allowed because the secret policy
// compares with ArnNotLike (SSO role names end in a random suffix). IAM allows a comma in names;
// here it separates ARNs.
const PRINCIPAL_ARN = 'arn:aws(?:-[a-z]+)*:iam::\\d{12}:(?:root|(?:role|user)/[A-Za-z0-9+=.@_/*-]+)';
const PRINCIPAL_ARNS = new RegExp(`^${PRINCIPAL_ARN}(?:,${PRINCIPAL_ARN})*$`);

/** The ARNs of `value` (comma-separated), checked; [] when empty. */
function secretReaderArns(value) {
  matches(
    'secretReaderArns',
    value,
    PRINCIPAL_ARNS,
    'must be IAM role or user ARNs separated by commas (* matches any characters)',
    'arn:aws:iam::123456789012:role/secops-operator',
  );
  return value === '' ? [] : value.split(',');
}

module.exports = { secretReaderArns };
