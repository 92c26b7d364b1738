// Test helper: byte-for-byte golden files. `UPDATE_GOLDEN=1 node scripts/run-tests.mjs
// src/proxy/render` rewrites them from the current output (review the diff, then commit).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function assertGolden(file: URL, actual: string): void {
  const path = fileURLToPath(file);
  if (process.env['UPDATE_GOLDEN'] === '1') {
    writeFileSync(path, actual);
    return;
  }
  assert.ok(existsSync(path), `${path} is missing; run with UPDATE_GOLDEN=1 to create it`);
  const want = readFileSync(path, 'utf8');
  if (want === actual) return;
  const a = actual.split('\n');
  const w = want.split('\n');
  let i = 0;
  while (i < a.length && i < w.length && a[i] === w[i]) i++;
  assert.fail(`${path} differs at line ${i + 1}:\n  golden: ${JSON.stringify(w[i])}\n  actual: ${JSON.stringify(a[i])}\n(UPDATE_GOLDEN=1 regenerates it)`);
}
