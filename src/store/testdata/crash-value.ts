// The value crash-writer.ts stores under `key`: self-describing and checksummed, so a
// torn or mixed-up value cannot pass for a valid one.
import { createHash } from 'node:crypto';

export function crashValue(key: string, seq: number): string {
  const pad = 'x'.repeat(200 + (seq % 300));
  const sum = createHash('sha256').update(`${key}|${seq}|${pad}`).digest('hex');
  return JSON.stringify({ key, seq, pad, sum });
}
