// Child process for sqlite-crash.test.ts: creates keys on a SqliteStore as fast as it
// can, several in flight, and prints each key on stdout once its create has resolved
// (i.e. been acknowledged as durable). The test SIGKILLs it at a random moment.
// Usage: node --import tsx crash-writer.ts <db path> <in-flight>
import { SqliteStore } from '../sqlite-store.js';
import { crashValue } from './crash-value.js';

async function main(): Promise<void> {
  const [path, inflight = '16'] = process.argv.slice(2);
  if (path === undefined) throw new Error('usage: crash-writer <db path> [in-flight]');
  const store = SqliteStore.open(path);
  const enc = new TextEncoder();
  process.stdout.write('ready\n');
  let seq = 0;
  const worker = async (): Promise<never> => {
    for (;;) {
      const n = seq++;
      const key = `/crash/${String(n).padStart(8, '0')}`;
      await store.create(key, enc.encode(crashValue(key, n)));
      process.stdout.write(`${key}\n`);
    }
  };
  await Promise.all(Array.from({ length: Number(inflight) }, worker));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
