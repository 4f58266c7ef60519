/**
 * The command table (src/cli/commands.ts) repeats each command's name and summary so that `neurosieve --help`
 * imports no spec: they must equal the spec's, and every entry's spec and implementation must load.
 */
import { describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/commands.js';

describe('command table', () => {
  for (const entry of commands) {
    it(`${entry.name}: name and summary equal its spec's; spec and implementation load`, async () => {
      const spec = await entry.spec();
      expect({ name: entry.name, summary: entry.summary }).toEqual({ name: spec.name, summary: spec.summary });
      const command = await entry.load();
      expect(typeof command.run).toBe('function');
    });
  }

  it('names are distinct', () => {
    expect(new Set(commands.map((c) => c.name)).size).toBe(commands.length);
  });
});
