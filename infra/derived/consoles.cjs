// The consoles parameter (README "Several SC consoles"): the SC consoles one stack serves, each with
// its own keys, CA, schedule and export settings. Given as a YAML list in the stage's params, or as
// a JSON string with --param. Empty: one console, "default", built from today's single-console
// parameters, so a stack deployed before consoles existed packages to the same template.
// A bad entry stops packaging with one line per bad entry, naming its index, id and field.
'use strict';

const { datasets: KNOWN_DATASETS, rules } = require('../vocabulary.json');
const {
  SCHEDULE_EXAMPLE,
  datasetsProblem,
  integerProblem,
  refuse,
  scheduleProblem,
} = require('./checks.cjs');

/** The console of a deployment configured with the single-console parameters (lib/product). */
const DEFAULT_CONSOLE_ID = 'default';
/** The keys an entry may have; anything else is a typo the runtime would never read. */
const FIELDS = ['id', 'url', 'secretArn', 'caBundle', 'schedule', 'datasets', 'pageSize', 'severityFloor'];
// The bounds lib/config holds for PAGE_SIZE and SEVERITY_FLOOR.
const PAGE_SIZE = { min: 100, max: 5000, example: '1000' };
const SEVERITY_FLOOR = { min: 0, max: 4, example: '1' };
const EXAMPLE_ENTRY = '{"id":"emea","url":"https://sc-emea.example.com"}';
const EXAMPLES = {
  id: `"id": "${rules.consoleId.example}"`,
  url: '"url": "https://sc-emea.example.com"',
  secretArn: `"secretArn": "${rules.secretArn.example}"`,
  caBundle: '"caBundle": "certs/emea.pem"',
  schedule: `"schedule": "${SCHEDULE_EXAMPLE}"`,
  datasets: '"datasets": "vulns,fixed"',
  pageSize: `"pageSize": ${PAGE_SIZE.example}`,
  severityFloor: `"severityFloor": ${SEVERITY_FLOOR.example}`,
};

/** Stops packaging for the consoles parameter as a whole (not one entry). */
function failList(problem) {
  refuse(`Parameter consoles ${problem}. Example: --param='consoles=[${EXAMPLE_ENTRY}]'`);
}

/** The entries of the parameter: a list from YAML, a JSON string from --param, or [] when empty. */
function entriesOf(value) {
  if (Array.isArray(value)) {
    if (value.length === 0) failList('is an empty list: leave it unset for one console');
    return value;
  }
  const text = String(value ?? '').trim();
  if (text === '') return [];
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    failList(`must be a YAML list in serverless.yml or a JSON list (${error.message})`);
  }
  if (!Array.isArray(parsed)) failList(`must be a list of consoles (got ${JSON.stringify(parsed)})`);
  if (parsed.length === 0) failList('is an empty list: leave it unset for one console');
  return parsed;
}

/** A datasets value (list or comma string) as a list of names, or undefined if it is neither. */
function datasetList(value) {
  if (Array.isArray(value) && value.every((d) => typeof d === 'string')) return value.map((d) => d.trim());
  if (typeof value === 'string') return value.split(',').map((d) => d.trim());
  return undefined;
}

/** An integer field given as a number (YAML, JSON) or a digit string. */
const isIntegerLike = (value) =>
  (typeof value === 'number' && Number.isInteger(value)) || typeof value === 'string';

/**
 * One entry, checked: the normalized console, or the first problem as [field, problem].
 * `seen` maps the ids of the earlier entries to their index; this entry's id is added.
 */
function checkEntry(entry, index, defaults, seen) {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    return { problem: ['', `must be an object with id and url (got ${JSON.stringify(entry)})`] };
  }
  const unknown = Object.keys(entry).find((key) => !FIELDS.includes(key));
  if (unknown !== undefined) {
    return { problem: ['', `has an unknown key "${unknown}" (known: ${FIELDS.join(', ')})`] };
  }
  const { id, url } = entry;
  if (typeof id !== 'string' || !new RegExp(rules.consoleId.pattern).test(id)) {
    return { problem: ['id', `${rules.consoleId.problem} (got ${JSON.stringify(id)})`] };
  }
  if (seen.has(id)) return { problem: ['id', `repeats the id of consoles[${seen.get(id)}]`] };
  // Known from here on, even if another field of this entry is wrong: a later repeat is named too.
  seen.set(id, index);
  if (typeof url !== 'string' || !isHttpsUrl(url)) {
    return { problem: ['url', `must be an https:// address (got ${JSON.stringify(url)})`] };
  }
  const secretArn = entry.secretArn ?? '';
  if (
    typeof secretArn !== 'string' ||
    (secretArn !== '' && !new RegExp(rules.secretArn.pattern).test(secretArn))
  ) {
    return {
      problem: [
        'secretArn',
        `${rules.secretArn.problem}, or left out for a secret the stack creates (got ${JSON.stringify(secretArn)})`,
      ],
    };
  }
  const caBundle = entry.caBundle ?? '';
  // Lambda allows 4 KB of environment in total and SC_CONSOLES carries every entry: a PEM there
  // would leave room for hardly anything else, so a console's CA ships as a file.
  if (typeof caBundle !== 'string' || caBundle.includes('-----BEGIN')) {
    return {
      problem: [
        'caBundle',
        'must be a file path relative to the function root, not inline PEM (Lambda allows 4 KB of environment for every console together)',
      ],
    };
  }
  if (caBundle.startsWith('/') || /\s/.test(caBundle)) {
    return {
      problem: [
        'caBundle',
        `must be a file path relative to the function root (got ${JSON.stringify(caBundle)})`,
      ],
    };
  }
  const schedule = entry.schedule ?? defaults.schedule;
  const badSchedule = typeof schedule === 'string' ? scheduleProblem(schedule) : 'must be a string';
  if (badSchedule !== undefined) return { problem: ['schedule', badSchedule] };
  const datasets = entry.datasets === undefined ? defaults.datasets : datasetList(entry.datasets);
  const badDatasets =
    datasets === undefined
      ? `must be a list or a comma-separated string (got ${JSON.stringify(entry.datasets)})`
      : datasetsProblem(datasets, KNOWN_DATASETS);
  if (badDatasets !== undefined) return { problem: ['datasets', badDatasets] };
  for (const [field, bounds] of [
    ['pageSize', PAGE_SIZE],
    ['severityFloor', SEVERITY_FLOOR],
  ]) {
    const value = entry[field];
    if (value === undefined) continue;
    const problem = isIntegerLike(value)
      ? integerProblem(String(value), bounds.min, bounds.max)
      : `must be a whole number from ${bounds.min} to ${bounds.max} (got ${JSON.stringify(value)})`;
    if (problem !== undefined) return { problem: [field, problem] };
  }
  return {
    console: {
      id,
      url,
      secretArn,
      caBundle,
      schedule,
      datasets,
      pageSize: entry.pageSize === undefined ? defaults.pageSize : Number(entry.pageSize),
      severityFloor: entry.severityFloor === undefined ? defaults.severityFloor : Number(entry.severityFloor),
    },
  };
}

function isHttpsUrl(value) {
  try {
    return new URL(value).protocol === 'https:' && !/\s/.test(value);
  } catch {
    return false;
  }
}

/**
 * The consoles this stack serves, normalized: every field set, datasets as a list, numbers as
 * numbers, secretArn '' for a secret the stack creates and caBundle '' for the system CAs.
 * `single` holds the single-console parameters (scUrl, secretArn, caBundle), `defaults` the
 * parameters an entry falls back to (schedule, datasets, pageSize, severityFloor), checked already.
 */
function consoles(value, { single, defaults }) {
  const entries = entriesOf(value);
  if (entries.length === 0) return [{ id: DEFAULT_CONSOLE_ID, ...single, ...defaults }];
  // One place for each setting: a scUrl next to the list would leave open which console it meant.
  for (const [name, field] of [
    ['scUrl', 'url'],
    ['secretArn', 'secretArn'],
    ['caBundle', 'caBundle'],
  ]) {
    if (single[field] !== '') {
      refuse(
        `Parameter ${name} is set together with consoles: put it in the consoles entry it belongs to and drop ${name}. ` +
          `Example: --param='consoles=[{"id":"default","url":"https://sc.example.com"}]'`,
      );
    }
  }
  const seen = new Map();
  const lines = [];
  const result = [];
  entries.forEach((entry, index) => {
    const checked = checkEntry(entry, index, defaults, seen);
    if (checked.console !== undefined) {
      result.push(checked.console);
      return;
    }
    const [field, problem] = checked.problem;
    const id = typeof entry?.id === 'string' ? ` (id "${entry.id}")` : '';
    const example = field === '' ? EXAMPLE_ENTRY : `{${EXAMPLES[field]}}`;
    lines.push(
      `Parameter consoles[${index}]${id}${field === '' ? '' : ` ${field}`} ${problem}. Example: ${example}`,
    );
  });
  if (lines.length > 0) refuse(lines.join('\n'));
  return result;
}

/**
 * The suffix of a console's logical ids ("" for the default console, which keeps today's ids):
 * "Console" and the id with its first letter upper-cased and each "-" as "X". Ids hold only
 * lowercase letters, digits and inner hyphens, so an upper-case X can only come from a hyphen (or
 * from a leading x) and two distinct ids never share a suffix.
 */
function logicalIdSuffix(id) {
  if (id === DEFAULT_CONSOLE_ID) return '';
  return `Console${id[0].toUpperCase()}${id.slice(1).replace(/-/g, 'X')}`;
}

module.exports = { DEFAULT_CONSOLE_ID, consoles, logicalIdSuffix };
