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

/** What is wrong with `value` as a whole number from min to max, or undefined. */
function integerProblem(value, min, max) {
  if (!/^\d+$/.test(String(value)) || Number(value) < min || Number(value) > max) {
    return `must be a whole number from ${min} to ${max} (got "${value}")`;
  }
  return undefined;
}

function integer(name, value, min, max, example) {
  const problem = integerProblem(value, min, max);
  if (problem !== undefined) fail(name, problem, example);
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

const SCHEDULE = /^(rate\((\d+) (minutes?|hours?|days?)\)|cron\(.+\))$/;
const SCHEDULE_EXAMPLE = 'rate(1 hour)';

/** What is wrong with a schedule expression, or undefined. */
function scheduleProblem(expression) {
  if (SCHEDULE.test(expression)) return undefined;
  return `must be rate(<n> minutes|hours|days) or cron(...) (got "${expression}")`;
}

/** Seconds between runs for `rate(...)`; undefined for `cron(...)`. */
function scheduleInterval(name, expression) {
  const problem = scheduleProblem(expression);
  if (problem !== undefined) fail(name, problem, SCHEDULE_EXAMPLE);
  const rate = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(expression);
  if (rate === null) return undefined;
  const unit = { minute: 60, hour: HOUR, day: 24 * HOUR }[rate[2].replace(/s$/, '')];
  return Number(rate[1]) * unit;
}

/** What is wrong with a list of dataset names, or undefined. */
function datasetsProblem(datasets, known) {
  const unknown = datasets.find((d) => !known.includes(d));
  if (unknown !== undefined) return `names an unknown dataset "${unknown}" (known: ${known.join(', ')})`;
  if (new Set(datasets).size !== datasets.length) {
    return `names a dataset twice (got "${datasets.join(',')}")`;
  }
  return undefined;
}

module.exports = {
  HOUR,
  SCHEDULE_EXAMPLE,
  refuse,
  fail,
  integer,
  integerProblem,
  flag,
  matches,
  follows,
  scheduleProblem,
  scheduleInterval,
  datasetsProblem,
};
