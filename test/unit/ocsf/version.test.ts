import { describe, expect, it } from 'vitest';
import { ocsfVersionOf, type SecurityLakeWriter } from '#lib/ocsf';

const lake = {} as SecurityLakeWriter;

describe('ocsfVersionOf', () => {
  it('writes 1.3.0 to the bucket and 1.1.0 to Security Lake unless told otherwise', () => {
    expect(ocsfVersionOf({ kind: 'bucket' })).toBe('1.3.0');
    expect(ocsfVersionOf({ kind: 'security-lake', lake })).toBe('1.1.0');
  });

  it('writes the version it is told', () => {
    expect(ocsfVersionOf({ kind: 'bucket', version: '1.1.0' })).toBe('1.1.0');
    expect(ocsfVersionOf({ kind: 'security-lake', lake, version: '1.3.0' })).toBe('1.3.0');
  });
});
