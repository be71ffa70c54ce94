// Thrift compact protocol types.
export const I32 = 5;
export const I64 = 6;
export const BINARY = 8;
export const LIST = 9;
export const STRUCT = 12;

/** A growing byte buffer with the few Thrift compact protocol encodings Parquet page headers and footers need. */
export class CompactBytes {
  buf = Buffer.allocUnsafe(16 * 1024);
  length = 0;
  #lastField: number[] = [];
  #field = 0;

  #ensure(more: number): void {
    if (this.length + more <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + more));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  /** Empty, outside any struct. */
  reset(): void {
    this.length = 0;
    this.#lastField.length = 0;
    this.#field = 0;
  }

  /** Continues a struct whose fields up to `id` were written elsewhere. */
  resume(id: number): void {
    this.#lastField.push(this.#field);
    this.#field = id;
  }

  byte(value: number): void {
    this.#ensure(1);
    this.buf[this.length++] = value;
  }

  /** An unsigned varint of a non-negative integer up to 2^53 (no 32-bit bit operations). */
  varint(value: number): void {
    this.#ensure(10);
    let n = value;
    while (n >= 0x80) {
      this.buf[this.length++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.length++] = n;
  }

  /** A zigzag varint: OCSF footers hold no negative integers, so that is twice the value. */
  zigzag(value: number): void {
    if (value < 0) throw new Error(`negative integer ${value} in a Parquet footer`);
    this.varint(value * 2);
  }

  bytes(value: Uint8Array): void {
    this.varint(value.length);
    this.#ensure(value.length);
    this.buf.set(value, this.length);
    this.length += value.length;
  }

  string(value: string): void {
    const size = Buffer.byteLength(value);
    this.varint(size);
    this.#ensure(size);
    this.length += this.buf.write(value, this.length);
  }

  /** A field's header: its id as a delta from the previous field of the struct, and its type. */
  field(id: number, type: number): void {
    const delta = id - this.#field;
    if (delta > 0 && delta <= 15) this.byte((delta << 4) | type);
    else {
      this.byte(type);
      this.zigzag(id);
    }
    this.#field = id;
  }

  i32(id: number, value: number): void {
    this.field(id, I32);
    this.zigzag(value);
  }

  i64(id: number, value: bigint): void {
    this.field(id, I64);
    this.zigzag(Number(value));
  }

  /** A list's header (after its field's): size and element type (none for an empty list). */
  list(size: number, type: number): void {
    if (size === 0) this.byte(0);
    else if (size > 14) {
      this.byte(0xf0 | type);
      this.varint(size);
    } else this.byte((size << 4) | type);
  }

  /** Starts a struct (as a field's value or a list's element); {@link end} closes it. */
  begin(): void {
    this.#lastField.push(this.#field);
    this.#field = 0;
  }

  end(): void {
    this.byte(0);
    this.#field = this.#lastField.pop() as number;
  }
}
