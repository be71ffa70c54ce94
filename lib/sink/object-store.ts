import type { Readable, Writable } from 'node:stream';

/** A text object and the version tag conditional writes compare against. */
export interface StoredText {
  body: string;
  etag: string;
}

export interface PutTextOptions {
  contentType?: string;
  /** Write only if the object still has this ETag (compare-and-swap). */
  ifMatch?: string;
  /** `*`: write only if the object does not exist yet. */
  ifNoneMatch?: '*';
}

/** One streamed object being written. Its content becomes visible only when `done()` resolves. */
export interface ObjectUpload {
  stream: Writable;
  /** Resolves once the object is durably stored (after the stream has ended). */
  done(): Promise<void>;
  /** Drops the object (multipart upload aborted, temp file removed). */
  abort(): Promise<void>;
}

/**
 * Where runs land: S3 (lib-storage multipart uploads), a local directory, or nowhere (benchmarks).
 * Keys are relative to the store's root (bucket + prefix, or directory).
 */
export interface ObjectStore {
  /** `s3://bucket/prefix` or the directory path, for messages and reports. */
  readonly location: string;
  /** Full address of a key: `s3://bucket/prefix/key` or an absolute path. */
  uri(key: string): string;
  /** The S3 bucket the store writes to; undefined for a local directory or no storage. */
  readonly bucket: string | undefined;
  /**
   * A key as it stands in the bucket, the store's prefix included (`sc2aws/raw/…`): what manifests
   * and events name, so `GetObject(bucket, key)` finds the object. For a directory, the key itself.
   */
  bucketKey(key: string): string;
  /** The inverse of `bucketKey`: the store's key of a bucket key, or undefined when it lies outside the store. */
  keyOf(bucketKey: string): string | undefined;
  getText(key: string): Promise<StoredText | undefined>;
  putText(key: string, body: string, options?: PutTextOptions): Promise<{ etag: string }>;
  openUpload(key: string, contentType: string): ObjectUpload;
  getStream(key: string): Promise<Readable>;
  /** Removes an object; absent objects are fine. */
  delete(key: string): Promise<void>;
}
