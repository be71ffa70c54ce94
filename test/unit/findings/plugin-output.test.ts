import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PLUGIN_OUTPUT_MAX_BYTES, unwrapPluginOutput, utf8CutIndex } from '#lib/findings';
import { openFinding } from './helpers';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('plugin_output', () => {
  it('drops the <plugin_output> wrapper and keeps the content byte for byte', () => {
    // Act
    const row = openFinding({
      pluginText: '<plugin_output>\nPort 443/tcp was found to be open\n</plugin_output>',
    });

    // Assert
    expect(row.plugin_output).toBe('\nPort 443/tcp was found to be open\n');
    expect(row.plugin_output_truncated).toBe(false);
  });

  it('keeps text without the wrapper as it is, and "" as null', () => {
    expect(unwrapPluginOutput('no wrapper')).toBe('no wrapper');
    expect(unwrapPluginOutput('<plugin_output></plugin_output>')).toBe('');
    expect(unwrapPluginOutput('<plugin_output>')).toBe('');
    expect(openFinding({ pluginText: '' }).plugin_output).toBeNull();
    expect(openFinding({ pluginText: '' }).plugin_output_truncated).toBe(false);
  });

  it('caps the output at the byte limit without cutting a multi-byte character, and flags it', () => {
    // Prepare: 'é' is 2 bytes, '€' 3, '😀' 4 (a surrogate pair); 10 bytes cannot end inside any of them.
    const content = 'aé€😀bcdefghij';

    // Act
    const row = openFinding({ pluginText: `<plugin_output>${content}</plugin_output>` }, 10);

    // Assert: a(1) é(2) €(3) 😀(4) = 10 bytes exactly
    expect(row.plugin_output).toBe('aé€😀');
    expect(row.plugin_output_truncated).toBe(true);
  });

  it('drops a whole character rather than exceed the cap', () => {
    expect(openFinding({ pluginText: 'aé€😀b' }, 9).plugin_output).toBe('aé€');
    expect(openFinding({ pluginText: 'aé€😀b' }, 7).plugin_output).toBe('aé€');
    expect(openFinding({ pluginText: 'aé€😀b' }, 5).plugin_output).toBe('aé');
    expect(openFinding({ pluginText: 'ab' }, 0).plugin_output).toBe('');
  });

  it('does not flag output that fits exactly', () => {
    // Act
    const row = openFinding({ pluginText: '€€' }, 6);

    // Assert
    expect(row.plugin_output).toBe('€€');
    expect(row.plugin_output_truncated).toBe(false);
  });

  it('caps a megabyte of output at the default 8 KiB', () => {
    // Act
    const row = openFinding({ pluginText: `<plugin_output>${'x€'.repeat(300_000)}</plugin_output>` });

    // Assert
    expect(row.plugin_output_truncated).toBe(true);
    expect(bytes(row.plugin_output ?? '')).toBeLessThanOrEqual(DEFAULT_PLUGIN_OUTPUT_MAX_BYTES);
    expect(bytes(row.plugin_output ?? '')).toBeGreaterThan(DEFAULT_PLUGIN_OUTPUT_MAX_BYTES - 4);
  });

  it('cuts any text at the longest prefix of whole code points that fits (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.nat(400), (text, max) => {
        const cut = utf8CutIndex(text, max);
        const kept = text.slice(0, cut);
        expect(bytes(kept)).toBeLessThanOrEqual(max);
        // Never between the halves of a surrogate pair.
        const last = kept.charCodeAt(kept.length - 1);
        const next = text.charCodeAt(cut);
        expect(last >= 0xd800 && last <= 0xdbff && next >= 0xdc00 && next <= 0xdfff).toBe(false);
        // Longest: one more code point would not fit.
        if (cut < text.length) {
          const step = text.codePointAt(cut) ?? 0;
          const more = text.slice(0, cut + (step > 0xffff ? 2 : 1));
          expect(bytes(more)).toBeGreaterThan(max);
        }
      }),
    );
  });
});
