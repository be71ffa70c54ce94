// Compiles the two OCSF event classes sc2aws writes (Vulnerability Finding 2002, Device Inventory
// Info 5001) from the OCSF schema source into JSON Schema (draft-07) files that the tests validate
// every mapped record against, one folder per OCSF version sc2aws writes (1.1.0 and 1.3.0). Run by
// hand, once per version, when a version is added or changed:
//
//   node scripts/ocsf-schema.mjs <path to ocsf-schema source at tag 1.1.0 or 1.3.0>
//
// It writes test/support/ocsf/<version>/<class>.schema.json. Resolution follows the OCSF server's rules as the
// two classes use them: `extends` chains (classes and objects), `$include` of includes/ and
// profiles/, attribute definitions deep-merged over dictionary.json (so enums of the dictionary, an
// include and the class add up), object constraints (`at_least_one`, `just_one`), data types with
// their regex, max_len and range. Profiles: `host` is applied (sc2aws lists it in
// metadata.profiles); the attributes of every other profile are left out, as the OCSF server does for
// events that do not declare them. Class-level checks the schema source states in prose are added:
// class_uid and category_uid are constants, type_uid = class_uid * 100 + activity_id, and a sibling
// caption (severity, status, activity_name, type …) equals the caption of its *_id unless the id is
// 99 (Other). The observable object's type_id enum is built as the OCSF server builds it: from the
// `observable` ids of dictionary types (caption of the type), dictionary attributes (caption of the
// attribute), objects (caption of the object) and object attributes (`<object caption> Object:
// <attribute>`). Every object is closed (additionalProperties: false) so a misspelt attribute fails.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const APPLIED_PROFILES = new Set(['host']);
const CLASSES = [
  { file: 'events/findings/vulnerability_finding.json', out: 'vulnerability_finding' },
  { file: 'events/discovery/inventory_info.json', out: 'device_inventory_info' },
];
/** The OCSF versions sc2aws writes (lib/ocsf OCSF_VERSIONS). */
const VERSIONS = ['1.1.0', '1.3.0'];

const root = process.argv[2];
if (!root) {
  console.error('usage: node scripts/ocsf-schema.mjs <path to the OCSF schema source, tag 1.1.0 or 1.3.0>');
  process.exit(2);
}
const read = (path) => JSON.parse(readFileSync(join(root, path), 'utf8'));
let version;
try {
  version = read('version.json').version;
} catch (err) {
  console.error(`${root} is not an OCSF schema source (no readable version.json: ${err.message})`);
  process.exit(2);
}
if (!VERSIONS.includes(version)) {
  console.error(
    `The schema source is OCSF ${version}; sc2aws writes ${VERSIONS.join(' or ')}. Point at a checkout of one of those tags.`,
  );
  process.exit(2);
}
const OUT_DIR = join('test/support/ocsf', version);
const dictionary = read('dictionary.json');
const types = dictionary.types.attributes;
const categories = read('categories.json').attributes;

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Deep merge: `over` wins on scalars and arrays, objects merge key by key (enums add up). */
function merge(base, over) {
  if (!isObject(base) || !isObject(over)) return over === undefined ? base : over;
  const out = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = merge(base[key], value);
  return out;
}

/** An attribute map with its `$include`s expanded (profiles outside APPLIED_PROFILES left out). */
function expand(attributes) {
  let out = {};
  for (const path of attributes.$include ?? []) {
    const included = read(path);
    if (included.meta === 'profile' && !APPLIED_PROFILES.has(included.name)) continue;
    const annotated = Object.fromEntries(
      Object.entries(expand(included.attributes)).map(([k, v]) => [k, merge(included.annotations ?? {}, v)]),
    );
    out = mergeAttributes(out, annotated);
  }
  const own = Object.fromEntries(Object.entries(attributes).filter(([k]) => k !== '$include'));
  return mergeAttributes(out, own);
}

function mergeAttributes(base, over) {
  const out = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = merge(base[key] ?? {}, value);
  return out;
}

/** A class or object with its `extends` chain resolved. */
function resolve(path, findParent) {
  const own = read(path);
  const parent = own.extends ? resolve(findParent(own.extends), findParent) : undefined;
  return {
    name: own.name,
    caption: own.caption,
    uid: own.uid,
    category: own.category ?? parent?.category,
    constraints: own.constraints ?? parent?.constraints,
    attributes: mergeAttributes(parent?.attributes ?? {}, expand(own.attributes)),
  };
}

const objectPath = (name) => `objects/${name}.json`;
const classPath = (name) => {
  for (const folder of ['', 'findings/', 'discovery/']) {
    try {
      readFileSync(join(root, `events/${folder}${name}.json`));
      return `events/${folder}${name}.json`;
    } catch {}
  }
  throw new Error(`no event class file for ${name}`);
};

/** The JSON Schema of a data type (string_t, ip_t, timestamp_t …), following its base type. */
function typeSchema(name) {
  const t = types[name];
  if (!t) throw new Error(`unknown type ${name}`);
  const base = t.type ? typeSchema(t.type) : primitive(name);
  const out = { ...base };
  if (t.regex) out.pattern = t.regex;
  if (t.max_len) out.maxLength = t.max_len;
  if (t.range) [out.minimum, out.maximum] = t.range;
  return out;
}

function primitive(name) {
  switch (name) {
    case 'boolean_t':
      return { type: 'boolean' };
    case 'integer_t':
      return { type: 'integer', minimum: -2147483648, maximum: 2147483647 };
    case 'long_t':
      return { type: 'integer' };
    case 'float_t':
      return { type: 'number' };
    case 'string_t':
      return { type: 'string' };
    case 'json_t':
      return {};
    default:
      throw new Error(`no base type for ${name}`);
  }
}

/**
 * The observable type_id enum (id → caption), collected from every `observable` id in the source:
 * dictionary types and attributes, objects, and attributes of objects.
 */
function observableTypes() {
  const out = {};
  const add = (id, caption) => {
    if (out[id] === undefined) out[id] = { caption };
  };
  for (const [name, attribute] of Object.entries(dictionary.attributes))
    if (attribute.observable !== undefined) add(attribute.observable, attribute.caption ?? name);
  for (const type of Object.values(types))
    if (type.observable !== undefined) add(type.observable, type.caption);
  for (const file of readdirSync(join(root, 'objects'))
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const object = read(`objects/${file}`);
    if (object.observable !== undefined) add(object.observable, object.caption);
    for (const [name, attribute] of Object.entries(object.attributes ?? {}))
      if (attribute?.observable !== undefined) add(attribute.observable, `${object.caption} Object: ${name}`);
  }
  return out;
}

const definitions = new Map();

function objectRef(name) {
  // `object` is OCSF's free-form object (unmapped, data …): any attributes.
  if (name === 'object') return { type: 'object' };
  if (!definitions.has(name)) {
    definitions.set(name, null);
    definitions.set(name, compile(resolve(objectPath(name), objectPath), false));
  }
  return { $ref: `#/definitions/${name}` };
}

function attributeSchema(name, attribute) {
  const def = merge(dictionary.attributes[name] ?? {}, attribute);
  if (!def.type) throw new Error(`attribute ${name} has no type`);
  let schema = types[def.type] ? typeSchema(def.type) : objectRef(def.type);
  if (def.enum) {
    const keys = Object.keys(def.enum);
    schema = { ...schema, enum: schema.type === 'string' ? keys : keys.map(Number) };
  }
  return def.is_array ? { type: 'array', items: schema } : schema;
}

/** Caption checks of enumerated ids and their sibling text (severity_id → severity …). */
function siblingChecks(attributes) {
  const checks = [];
  for (const [name, attribute] of Object.entries(attributes)) {
    const def = merge(dictionary.attributes[name] ?? {}, attribute);
    if (!def.enum || !def.sibling || !attributes[def.sibling]) continue;
    for (const [id, value] of Object.entries(def.enum)) {
      if (id === '99') continue;
      checks.push({
        if: { properties: { [name]: { const: Number(id) } }, required: [name, def.sibling] },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, not a thenable.
        then: { properties: { [def.sibling]: { const: value.caption } } },
      });
    }
  }
  return checks;
}

/** The observable object with its type_id enum filled in; any other object as it is. */
function withObservableTypes(resolved) {
  if (resolved.name !== 'observable') return resolved;
  const typeId = resolved.attributes.type_id;
  const enumeration = { ...typeId.enum, ...observableTypes() };
  return { ...resolved, attributes: { ...resolved.attributes, type_id: { ...typeId, enum: enumeration } } };
}

function compile(source, isClass) {
  const resolved = withObservableTypes(source);
  const properties = {};
  const required = [];
  for (const [name, attribute] of Object.entries(resolved.attributes)) {
    properties[name] = attributeSchema(name, attribute);
    if (attribute.requirement === 'required') required.push(name);
  }
  const schema = { type: 'object', properties, required, additionalProperties: false };
  const allOf = siblingChecks(resolved.attributes);
  const c = resolved.constraints;
  if (c?.at_least_one) allOf.push({ anyOf: c.at_least_one.map((k) => ({ required: [k] })) });
  if (c?.just_one) allOf.push({ oneOf: c.just_one.map((k) => ({ required: [k] })) });
  if (isClass) {
    const categoryUid = categories[resolved.category].uid;
    const classUid = categoryUid * 1000 + resolved.uid;
    // The include's enums (0 Base Event, 0 Uncategorized) name the base event; a class has one value.
    properties.class_uid = { type: 'integer', const: classUid };
    properties.category_uid = { type: 'integer', const: categoryUid };
    properties.class_name = { ...properties.class_name, const: resolved.caption };
    properties.category_name = { ...properties.category_name, const: categories[resolved.category].caption };
    allOf.push({
      oneOf: properties.activity_id.enum.map((id) => ({
        properties: { activity_id: { const: id }, type_uid: { const: classUid * 100 + id } },
      })),
    });
  }
  if (allOf.length > 0) schema.allOf = allOf;
  return schema;
}

mkdirSync(OUT_DIR, { recursive: true });
for (const { file, out } of CLASSES) {
  definitions.clear();
  const resolved = resolve(file, classPath);
  const schema = compile(resolved, true);
  const document = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $comment: `Generated by scripts/ocsf-schema.mjs from the OCSF schema ${version} source (https://github.com/ocsf/ocsf-schema, Apache-2.0; see NOTICE in this folder): class ${resolved.name}, profiles applied: ${[...APPLIED_PROFILES].join(', ')}. Do not edit; regenerate.`,
    title: `OCSF ${version} ${resolved.caption}`,
    ...schema,
    definitions: Object.fromEntries([...definitions.entries()].sort(([a], [b]) => a.localeCompare(b))),
  };
  writeFileSync(join(OUT_DIR, `${out}.schema.json`), `${JSON.stringify(document, null, 1)}\n`);
  console.log(`${OUT_DIR}/${out}.schema.json: ${definitions.size} objects`);
}
