// Lambda refuses a function whose environment variables take more than 4 KB together, and it
// would say so only half-way through a deploy. SC_CONSOLES grows with every console (its url,
// secret ARN, CA path, datasets), so packaging estimates each function's environment as it will be
// once deployed and refuses, naming the cause, before anything is sent to AWS.
// serverless.yml reads `${file(infra/derived/environment-size.cjs):checked}` from a custom entry;
// this is a file of its own because it reads the resolved environments, which themselves hold
// values of infra/derived.cjs.
'use strict';

const { refuse } = require('./checks.cjs');

const LIMIT = 4096;
// A Ref nobody estimated: as long as the longest name CloudFormation generates.
const UNKNOWN_REF = 128;

/**
 * The length a value will have once deployed: strings as they are, a Ref as long as `refLengths`
 * says (a secret ARN, a bucket name CloudFormation picks), Fn::Join as its parts.
 */
function deployedLength(value, refLengths) {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value).length;
  if (value !== null && typeof value === 'object') {
    if (typeof value.Ref === 'string') return refLengths[value.Ref] ?? UNKNOWN_REF;
    const join = value['Fn::Join'];
    if (Array.isArray(join)) {
      const [separator, parts] = join;
      return (
        parts.reduce((sum, part) => sum + deployedLength(part, refLengths), 0) +
        separator.length * Math.max(0, parts.length - 1)
      );
    }
  }
  return UNKNOWN_REF;
}

/**
 * Each function's estimated environment size, in bytes: the keys and values as JSON (quotes,
 * colons and commas included), which is at least what Lambda counts.
 */
function environmentSizes({ shared, functions, refLengths }) {
  return Object.entries(functions).map(([name, own]) => {
    const variables = { ...shared, ...own };
    const sizes = Object.entries(variables).map(([key, value]) => [
      key,
      key.length + deployedLength(value, refLengths) + 6, // "key":"value",
    ]);
    return { name, bytes: 2 + sizes.reduce((sum, [, n]) => sum + n, 0), sizes };
  });
}

/** Refuses the first function whose environment would not fit, naming what takes the room. */
function checkEnvironmentSizes(input, consoleCount) {
  for (const { name, bytes, sizes } of environmentSizes(input)) {
    if (bytes <= LIMIT) continue;
    const consoles = sizes.find(([key]) => key === 'SC_CONSOLES')?.[1] ?? 0;
    const [largest, largestBytes] = sizes.reduce((a, b) => (b[1] > a[1] ? b : a));
    const cause =
      largest === 'SC_CONSOLES'
        ? `SC_CONSOLES takes ${consoles} bytes for ${consoleCount} console(s): deploy fewer consoles per stage, or shorten their urls and caBundle paths`
        : `${largest} takes ${largestBytes} bytes and SC_CONSOLES ${consoles} for ${consoleCount} console(s): shorten ${largest} or deploy fewer consoles per stage`;
    refuse(
      `The environment of function ${name} would take about ${bytes} bytes, over Lambda's 4 KB limit. ${cause}.`,
    );
  }
}

module.exports = async ({ resolveConfigurationProperty, resolveVariable }) => {
  const shared = (await resolveConfigurationProperty(['provider', 'environment'])) ?? {};
  const functions = {};
  for (const key of Object.keys((await resolveConfigurationProperty(['functions'])) ?? {})) {
    const name = (await resolveConfigurationProperty(['functions', key, 'name'])) ?? key;
    functions[name] = (await resolveConfigurationProperty(['functions', key, 'environment'])) ?? {};
  }
  const refLengths = await resolveVariable('file(infra/derived.cjs):environmentRefLengths');
  const consoleCount = await resolveVariable('file(infra/derived.cjs):consoleCount');
  checkEnvironmentSizes({ shared, functions, refLengths }, consoleCount);
  return { checked: 'true' };
};

module.exports.environmentSizes = environmentSizes;
