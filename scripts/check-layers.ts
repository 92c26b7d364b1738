// Layering check: enforces the dependency arrows of ARCHITECTURE.md.
// Every import from one src/<component> into another must be allowed below;
// bin/ may import anything; test/ and bench/ may import anything.
// Exit code 1 with one line per violation.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');

/** component -> components it may import (besides itself). */
export const allowed: Record<string, readonly string[]> = {
  core: [],
  api: ['core'],
  store: ['core'],
  dataplane: ['core'],
  bgp: ['core'],
  apiserver: ['core', 'api', 'store'],
  client: ['core', 'api'],
  controllers: ['core', 'api', 'client'],
  node: ['core', 'api', 'client', 'dataplane'],
  proxy: ['core', 'api', 'client', 'dataplane'],
  dns: ['core', 'api', 'client'],
  lb: ['core', 'api', 'client', 'bgp', 'dataplane'],
  cli: ['core', 'api', 'client'],
};

const importRe = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

function walk(dir: string, out: string[]): void {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|mts|js|mjs)$/.test(e)) out.push(p);
  }
}

export function checkLayers(): string[] {
  const files: string[] = [];
  walk(join(root, 'src'), files);
  const problems: string[] = [];
  for (const file of files) {
    const rel = relative(join(root, 'src'), file);
    const from = rel.split('/')[0]!;
    const rules = allowed[from];
    if (rules === undefined) {
      problems.push(`${relative(root, file)}: component "src/${from}" is not in the layering table (scripts/check-layers.ts)`);
      continue;
    }
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(importRe)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (spec === undefined || !spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec);
      const relTarget = relative(join(root, 'src'), target);
      if (relTarget.startsWith('..')) {
        problems.push(`${relative(root, file)}: imports "${spec}" from outside src/ (only bin/, test/ and bench/ assemble components)`);
        continue;
      }
      const to = relTarget.split('/')[0]!;
      if (to === from) continue;
      if (!rules.includes(to)) {
        problems.push(`${relative(root, file)}: src/${from} may not import src/${to} ("${spec}"); allowed: ${rules.join(', ') || 'nothing'}`);
      }
    }
  }
  return problems;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const problems = checkLayers();
  if (problems.length > 0) {
    console.error(`layering check failed (${problems.length}):\n` + problems.map((p) => `  ${p}`).join('\n'));
    process.exit(1);
  }
  console.log('layering check: ok');
}
