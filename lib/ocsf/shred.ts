import type { LeafType, OcsfColumn } from './columns';

/**
 * One leaf (Parquet column chunk) of a column tree: its path and levels, and the slots one row
 * group put into it, as Parquet stores them (Dremel levels, one slot per value or null).
 */
export interface Leaf {
  /** Names from the top-level column down, the LIST groups' `list` and `element` included. */
  path: string[];
  type: LeafType;
  maxDefinitionLevel: number;
  maxRepetitionLevel: number;
  /** The defined values, in slot order: one for each slot whose definition level is the maximum. */
  values: unknown[];
  definitionLevels: number[];
  repetitionLevels: number[];
}

/**
 * A compiled column: writes a value's slots into its leaves. `def` and `rep` are the levels the
 * value's parent reached; `rep` is the repetition level of the value's first slot.
 */
type Node = (value: unknown, def: number, rep: number) => void;

/**
 * Splits records into Parquet's leaf columns in one walk per record, with no copy of the record:
 * the column tree (lib/ocsf/columns) is compiled once into a function per node, so the work per
 * value is a property read and three pushes. Every field is OPTIONAL and lists are the standard
 * 3-level LIST (`<name>` → repeated `list` → `element`), as {@link parquetSchemaOf} writes them.
 * Absent (`undefined` or `null`) means null; an empty list is a list without elements.
 *
 * A record attribute no column names is a programming error (the columns and the mapping disagree)
 * and throws, rather than being dropped from the file.
 *
 * @example
 * ```ts
 * const shredder = new RecordShredder(VULNERABILITY_FINDING_COLUMNS);
 * for (const record of group) shredder.add(record);
 * for (const leaf of shredder.take()) writeLeaf(leaf);
 * ```
 */
export class RecordShredder {
  readonly leaves: Leaf[] = [];
  readonly #top: Array<{ name: string; node: Node }>;
  #rows = 0;

  constructor(columns: readonly OcsfColumn[]) {
    this.#top = columns.map((column) => ({ name: column.name, node: this.#compile(column, [], 0, 0) }));
  }

  /** Rows added since the last {@link take}. */
  get rows(): number {
    return this.#rows;
  }

  /** Adds one record as the next row. */
  add(record: object): void {
    const value = record as Record<string, unknown>;
    let known = 0;
    for (const { name, node } of this.#top) {
      const item = value[name];
      if (item !== undefined) known += 1;
      node(item, 0, 0);
    }
    if (known !== countKeys(value)) throw unknownAttribute(value, this.#top, '');
    this.#rows += 1;
  }

  /** The leaves with the rows added so far; the shredder starts empty again. */
  take(): Leaf[] {
    const out = this.leaves.map((leaf) => ({ ...leaf }));
    for (const leaf of this.leaves) {
      leaf.values = [];
      leaf.definitionLevels = [];
      leaf.repetitionLevels = [];
    }
    this.#rows = 0;
    return out;
  }

  /** The node of `column` at `path`, whose parent has definition level `def` and repetition `rep` at most. */
  #compile(column: OcsfColumn, path: string[], def: number, rep: number): Node {
    const here = [...path, column.name];
    const first = this.leaves.length;
    if ('type' in column) {
      const leaf: Leaf = {
        path: here,
        type: column.type,
        maxDefinitionLevel: def + 1,
        maxRepetitionLevel: rep,
        values: [],
        definitionLevels: [],
        repetitionLevels: [],
      };
      this.leaves.push(leaf);
      const defined = def + 1;
      // INT64 values go to the Parquet encoder as bigint.
      const long = column.type === 'long';
      return (value, d, r) => {
        if (value === undefined || value === null) leaf.definitionLevels.push(d);
        else {
          leaf.values.push(long ? BigInt(value as number) : value);
          leaf.definitionLevels.push(defined);
        }
        leaf.repetitionLevels.push(r);
      };
    }
    if ('struct' in column) {
      const fields = column.struct.map((field) => ({
        name: field.name,
        node: this.#compile(field, here, def + 1, rep),
      }));
      const nulls = this.#nullsOf(first);
      const where = here.join('.');
      return (value, d, r) => {
        if (value === undefined || value === null) return nulls(d, r);
        const object = value as Record<string, unknown>;
        let known = 0;
        for (const { name, node } of fields) {
          const item = object[name];
          if (item !== undefined) known += 1;
          node(item, d + 1, r);
        }
        if (known !== countKeys(object)) throw unknownAttribute(object, fields, where);
      };
    }
    // LIST: the optional group (def + 1 when the list is there), the repeated `list` group (def + 2
    // when it has an element, and one more repetition level), the optional element.
    const item = column.list;
    const elementPath = [...here, 'list'];
    const element =
      typeof item === 'string'
        ? this.#compile({ name: 'element', type: item }, elementPath, def + 2, rep + 1)
        : this.#compile({ name: 'element', struct: item }, elementPath, def + 2, rep + 1);
    const nulls = this.#nullsOf(first);
    const repeated = rep + 1;
    return (value, d, r) => {
      if (value === undefined || value === null) return nulls(d, r);
      const list = value as readonly unknown[];
      if (list.length === 0) return nulls(d + 1, r);
      element(list[0], d + 2, r);
      for (let i = 1; i < list.length; i++) element(list[i], d + 2, repeated);
    };
  }

  /** Writes one null slot at level `d` into every leaf compiled since `first` (a node's leaves). */
  #nullsOf(first: number): (d: number, r: number) => void {
    const mine = this.leaves.slice(first);
    return (d, r) => {
      for (const leaf of mine) {
        leaf.definitionLevels.push(d);
        leaf.repetitionLevels.push(r);
      }
    };
  }
}

function countKeys(object: Record<string, unknown>): number {
  let n = 0;
  for (const key in object) if (Object.hasOwn(object, key) && object[key] !== undefined) n += 1;
  return n;
}

function unknownAttribute(
  object: Record<string, unknown>,
  fields: ReadonlyArray<{ name: string }>,
  where: string,
): Error {
  const unknown = Object.keys(object).filter(
    (key) => object[key] !== undefined && !fields.some((f) => f.name === key),
  );
  return new Error(
    `OCSF attribute ${where === '' ? '' : `${where}.`}${unknown.join(',')} has no Parquet column`,
  );
}
