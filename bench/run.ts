// Runs every bench/**/*-bench.ts in sequence (npm run bench), each in its own Node process
// so one benchmark's heap and JIT state don't colour the next. Arguments are passed on to
// every script (e.g. `npm run bench -- --quick`); `--filter=SUBSTRING` picks scripts by path.
// Prints each script's output as it runs; exits non-zero if any script failed.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const benchDir = join(root, 'bench');

function collect(dir: string, out: string[]): string[] {
  for (const e of readdirSync(dir).sort()) {
    if (e === 'node_modules' || e.startsWith('.')) continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) collect(p, out);
    else if (e.endsWith('-bench.ts')) out.push(p);
  }
  return out;
}

const args = process.argv.slice(2);
const filters = args.filter((a) => a.startsWith('--filter=')).map((a) => a.slice('--filter='.length));
const passOn = args.filter((a) => !a.startsWith('--filter='));
const scripts = collect(benchDir, []).filter((p) => filters.length === 0 || filters.some((f) => p.includes(f)));
if (scripts.length === 0) {
  console.error(`no bench scripts matched ${filters.join(' ') || '(all)'}`);
  process.exit(1);
}

const failed: string[] = [];
for (const script of scripts) {
  const name = relative(root, script);
  console.log(`\n######## ${name} ${passOn.join(' ')}`.trimEnd());
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...passOn], { cwd: root, stdio: 'inherit' });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.status !== 0) {
    failed.push(name);
    console.log(`######## ${name}: FAILED (${r.status ?? r.signal}) after ${secs} s`);
  } else console.log(`######## ${name}: done in ${secs} s`);
}
console.log(`\n${scripts.length - failed.length} of ${scripts.length} bench scripts ran${failed.length > 0 ? `; failed: ${failed.join(', ')}` : ''}`);
process.exit(failed.length > 0 ? 1 : 0);
