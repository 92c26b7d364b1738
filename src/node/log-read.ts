// kubelet's log options over a kept log: sinceSeconds, tailLines, timestamps and limitBytes
// (the byte limit counts what is written, timestamps included, and cuts mid-line). Pure
// helpers; the connector adds following.
import { rfc3339Nano } from './format.js';
import type { LogLine } from './runtime.js';

export interface LogReadOptions {
  readonly tailLines: number | undefined;
  readonly sinceSeconds: number | undefined;
  readonly timestamps: boolean;
  readonly limitBytes: number | undefined;
}

/** The kept lines the options select (since first, then the tail). */
export function selectLines(lines: readonly LogLine[], opts: Pick<LogReadOptions, 'tailLines' | 'sinceSeconds'>, now: number): readonly LogLine[] {
  let out = lines;
  if (opts.sinceSeconds !== undefined) {
    const from = now - opts.sinceSeconds * 1000;
    out = out.filter((l) => l.time >= from);
  }
  if (opts.tailLines !== undefined) out = opts.tailLines <= 0 ? [] : out.slice(Math.max(0, out.length - opts.tailLines));
  return out;
}

/** Formats lines and enforces limitBytes across calls. */
export class LogFormatter {
  private budget: number;

  constructor(private readonly opts: Pick<LogReadOptions, 'timestamps' | 'limitBytes'>) {
    this.budget = opts.limitBytes ?? Infinity;
  }

  get exhausted(): boolean {
    return this.budget <= 0;
  }

  /** The text to write for a line ('' once the limit is reached). */
  format(line: LogLine): string {
    if (this.budget <= 0) return '';
    let text = `${this.opts.timestamps ? `${rfc3339Nano(line.time)} ` : ''}${line.text}\n`;
    const bytes = Buffer.byteLength(text);
    if (bytes > this.budget) text = Buffer.from(text).subarray(0, this.budget).toString('utf8');
    this.budget -= Math.min(bytes, this.budget);
    return text;
  }
}
