// Durability under kill -9: every write whose promise resolved must be on disk, and
// nothing half-written may appear. The writer runs in a child process (testdata/).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { SqliteStore } from './sqlite-store.js';
import { crashValue } from './testdata/crash-value.js';

const writer = fileURLToPath(new URL('./testdata/crash-writer.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url)); // where --import tsx resolves
const dir = mkdtempSync(join(tmpdir(), 'svcnet-sqlite-crash-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the writer, kills it `delayMs` after it is ready, returns the keys it acknowledged. */
async function runAndKill(path: string, delayMs: number): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', writer, path, '16'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  let armed = false;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
    if (!armed && out.startsWith('ready\n')) {
      armed = true;
      setTimeout(() => child.kill('SIGKILL'), delayMs);
    }
  });
  const hung = setTimeout(() => child.kill('SIGKILL'), 20_000); // never ready: fail, don't hang
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('exit', (c, s) => resolve([c, s])),
  );
  clearTimeout(hung);
  assert.equal(signal, 'SIGKILL', `writer exited on its own (code ${code})`);
  const lines = out.split('\n');
  lines.pop(); // a torn last line proves nothing either way
  assert.equal(lines.shift(), 'ready');
  return lines;
}

/** Reopens the killed writer's file and checks it against what was acknowledged. */
async function verify(path: string, acked: readonly string[], round: number): Promise<void> {
  const dec = new TextDecoder();
  assert.ok(acked.length > 0, `round ${round}: writer acknowledged nothing before the kill`);
  const store = SqliteStore.open(path);
  try {
    const { items } = await store.list('/crash/');
    const present = new Map(items.map((kv) => [kv.key, dec.decode(kv.value)]));
    for (const key of acked) assert.ok(present.has(key), `round ${round}: acknowledged ${key} is missing`);
    for (const [key, v] of present) {
      const seq = Number(key.slice('/crash/'.length));
      assert.equal(v, crashValue(key, seq), `round ${round}: value of ${key} is not what was written`);
    }
    // Only creates happened: revisions 1..n, one per surviving key.
    assert.equal(store.currentRevision(), items.length);
  } finally {
    await store.close();
  }
}

test('acknowledged writes survive kill -9; nothing torn appears (3 rounds in parallel)', async () => {
  await Promise.all(
    [0, 1, 2].map(async (round) => {
      const path = join(dir, `crash-${round}.db`);
      const acked = await runAndKill(path, 200 + Math.floor(Math.random() * 600));
      await verify(path, acked, round);
    }),
  );
});
