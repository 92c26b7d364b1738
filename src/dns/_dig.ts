// Test-only: runs the real `dig` (Debian bind9-dnsutils) against 127.0.0.1 and reads
// its output. A missing dig fails the test with a clear message instead of skipping.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function requireDig(): Promise<void> {
  try {
    await run('dig', ['-v']);
  } catch {
    assert.fail('`dig` is not installed: this test needs it (Debian package bind9-dnsutils; CI installs it)');
  }
}

export async function dig(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('dig', ['@127.0.0.1', '-p', String(port), '+tries=1', '+time=3', ...args]);
  return stdout;
}

/** Lines of one section of dig's output, whitespace-normalised. */
export function section(out: string, name: 'ANSWER' | 'AUTHORITY' | 'ADDITIONAL'): string[] {
  const m = new RegExp(`;; ${name} SECTION:\\n([\\s\\S]*?)(?:\\n\\n|$)`).exec(out);
  return m === null ? [] : m[1]!.split('\n').filter((l) => l.trim() !== '').map((l) => l.split(/\s+/).join(' '));
}

export function status(out: string): string | undefined {
  return /status: (\w+)/.exec(out)?.[1];
}

