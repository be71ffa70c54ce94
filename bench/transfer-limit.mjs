// The transfer limit: how fast this SC (here the simulator) hands over every page of an export's
// query, to a client that does nothing with the bytes. Run as a child process by bench/run.mjs:
//
//   node bench/transfer-limit.mjs --url URL --keys-file F --ca-file PEM --rows N
//        [--page-size 1000] [--since-epoch S] [--severity-floor 0]
//
// Prints one JSON line: {rows, pages, bytes, durationMs, rowsPerSecond, bytesPerSecond}.
// The request bodies are the export's (lib/tenable/analysis.ts analysisRequestBody with the query of
// lib/export/datasets.ts datasetQuery), pages are asked for one after another on one keep-alive TLS
// connection, and bodies are drained chunk by chunk, never parsed. Only the check after the timed
// loop parses one (empty) page, to confirm that the window held exactly `rows` rows.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    'keys-file': { type: 'string' },
    'ca-file': { type: 'string' },
    rows: { type: 'string' },
    'page-size': { type: 'string', default: '1000' },
    'since-epoch': { type: 'string', default: '946684800' },
    'severity-floor': { type: 'string', default: '0' },
  },
});
for (const name of ['url', 'keys-file', 'ca-file', 'rows']) {
  if (values[name] === undefined) throw new Error(`transfer-limit: --${name} is required`);
}
const rows = Number(values.rows);
const pageSize = Number(values['page-size']);
const severityFloor = Number(values['severity-floor']);
const windowStart = Number(values['since-epoch']);

const keysText = await readFile(values['keys-file'], 'utf8');
const keys = /accesskey=([^;\s]+);\s*secretkey=([^;\s]+);?/.exec(keysText);
if (keys === null)
  throw new Error(`transfer-limit: ${values['keys-file']} holds no accesskey/secretkey pair`);
const headers = {
  'x-apikey': `accesskey=${keys[1]}; secretkey=${keys[2]};`,
  'content-type': 'application/json',
  accept: 'application/json',
};
const dispatcher = new Agent({ connect: { ca: await readFile(values['ca-file'], 'utf8') } });
const url = new URL('/rest/analysis', values.url);

// The export's window ends at its start; so does this one.
const filters = [
  { filterName: 'lastSeen', operator: '=', value: `${windowStart}-${Math.floor(Date.now() / 1000)}` },
];
if (severityFloor > 0) {
  const ids = [0, 1, 2, 3, 4].filter((s) => s >= severityFloor).join(',');
  filters.push({ filterName: 'severity', operator: '=', value: ids });
}
const bodyFor = (startOffset) =>
  JSON.stringify({
    type: 'vuln',
    sourceType: 'cumulative',
    // Offsets at the root and inside query, as the export sends them (reference §3.1).
    query: { type: 'vuln', tool: 'vulndetails', filters, startOffset, endOffset: startOffset + pageSize },
    sortField: 'lastSeen',
    sortDir: 'ASC',
    wasVuln: 'excludeWas',
    startOffset,
    endOffset: startOffset + pageSize,
  });

const post = (startOffset) =>
  request(url, { method: 'POST', headers, body: bodyFor(startOffset), dispatcher });

let bytes = 0;
let pages = 0;
const started = performance.now();
for (let offset = 0; offset < rows; offset += pageSize) {
  const res = await post(offset);
  if (res.statusCode !== 200) throw new Error(`transfer-limit: HTTP ${res.statusCode} at offset ${offset}`);
  for await (const chunk of res.body) bytes += chunk.length;
  pages += 1;
}
const durationMs = performance.now() - started;

// Outside the timing: the page after the last must be empty, and SC's total must match.
const check = await post(rows);
const tail = JSON.parse(await check.body.text());
const after = tail.response?.results?.length ?? -1;
const total = Number(tail.response?.totalRecords);
if (after !== 0 || total !== rows) {
  throw new Error(
    `transfer-limit: the window holds ${total} rows (page after the last: ${after}), not ${rows}`,
  );
}
await dispatcher.close();

process.stdout.write(
  `${JSON.stringify({
    rows,
    pages,
    bytes,
    durationMs,
    rowsPerSecond: rows / (durationMs / 1000),
    bytesPerSecond: bytes / (durationMs / 1000),
  })}\n`,
);
