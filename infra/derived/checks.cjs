// The checks infra/derived.cjs runs on the deployment parameters. Each failure stops
// `serverless package/deploy` with one line naming the parameter, its problem and a good value.
'use strict';

const HOUR = 3600;

/** Stops packaging with `message` as the only line osls prints. */
function refuse(message) {
  const error = new Error(message);
  error.stack = message; // osls prints the stack; keep it to the one line
  throw error;
}

function fail(name, problem, example) {
  refuse(`Parameter ${name} ${problem}. Example: --param="${name}=${example}"`);
}

function integer(name, value, min, max, example) {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    fail(name, `must be a whole number from ${min} to ${max} (got "${value}")`, example);
  }
  return Number(value);
}

function flag(name, value) {
  if (value !== 'true' && value !== 'false') fail(name, `must be true or false (got "${value}")`, 'false');
  return value === 'true';
}

function matches(name, value, pattern, problem, example) {
  if (value !== '' && !pattern.test(value)) fail(name, `${problem} (got "${value}")`, example);
}

/** A parameter checked with one of the shared rules of vocabulary.json; empty is "not set" unless required. */
function follows(name, value, rule, required = false) {
  if (value === '' && !required) return;
  if (!new RegExp(rule.pattern).test(value)) fail(name, `${rule.problem} (got "${value}")`, rule.example);
}

/** Seconds between runs for `rate(...)`; undefined for `cron(...)`. */
function scheduleInterval(name, expression) {
  const rate = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(expression);
  if (rate) {
    const unit = { minute: 60, hour: HOUR, day: 24 * HOUR }[rate[2].replace(/s$/, '')];
    return Number(rate[1]) * unit;
  }
  if (/^cron\(.+\)$/.test(expression)) return undefined;
  fail(name, `must be rate(<n> minutes|hours|days) or cron(...) (got "${expression}")`, 'rate(1 hour)');
}

module.exports = { HOUR, refuse, fail, integer, flag, matches, follows, scheduleInterval };
