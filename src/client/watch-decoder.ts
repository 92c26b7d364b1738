// Decoding of the watch stream: newline-delimited JSON, one `{"type":..., "object":...}`
// per line, arriving in arbitrary chunks (an event split across chunks, several events in
// one chunk, a multi-byte UTF-8 character split across chunks). Parsed once here into a
// typed union; everything downstream handles only WatchEvent values.
import { StringDecoder } from 'node:string_decoder';
import type { KubeObject, Status } from '../api/index.js';
import { err, ok, type Result } from '../core/index.js';
import { reasonForCode } from './api-error.js';

export type WatchEvent<T extends KubeObject = KubeObject> =
  | { readonly type: 'ADDED' | 'MODIFIED' | 'DELETED'; readonly object: T }
  /** Only metadata.resourceVersion (and maybe annotations) is meaningful in a bookmark. */
  | { readonly type: 'BOOKMARK'; readonly resourceVersion: string }
  /** The server ends the watch after an ERROR; code 410 means "relist". */
  | { readonly type: 'ERROR'; readonly status: Status };

/** Splits a byte stream into lines. Empty lines (keep-alive padding) are dropped. */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(private readonly maxLineChars = 64 * 1024 * 1024) {}

  push(chunk: Buffer | string): Result<string[], string> {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const lines: string[] = [];
    // Scan only the new text for newlines so a huge object arriving in many chunks stays linear.
    let start = 0;
    let nl = text.indexOf('\n');
    while (nl !== -1) {
      const line = this.pending + text.slice(start, nl);
      this.pending = '';
      if (line.trim() !== '') lines.push(line);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    this.pending += text.slice(start);
    if (this.pending.length > this.maxLineChars) return err(`watch event larger than ${this.maxLineChars} characters`);
    return ok(lines);
  }

  /** End of stream: a last event without a trailing newline is still an event. */
  end(): string[] {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    return rest.trim() === '' ? [] : [rest];
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An ERROR event's object as a Status, whatever shape the server chose. */
function toStatus(obj: unknown): Status {
  if (isRecord(obj) && obj['kind'] === 'Status') {
    const code = typeof obj['code'] === 'number' ? obj['code'] : 500;
    const s = obj as unknown as Status;
    return { ...s, apiVersion: 'v1', kind: 'Status', metadata: isRecord(obj['metadata']) ? s.metadata : {}, code, reason: s.reason ?? reasonForCode(code) };
  }
  return { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', code: 500, reason: 'InternalError', message: `watch error: ${JSON.stringify(obj)}` };
}

export function parseWatchEvent<T extends KubeObject = KubeObject>(line: string): Result<WatchEvent<T>, string> {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (e) {
    return err(`watch event is not JSON: ${(e as Error).message}`);
  }
  if (!isRecord(v)) return err('watch event is not an object');
  const type = v['type'];
  const object = v['object'];
  switch (type) {
    case 'ADDED':
    case 'MODIFIED':
    case 'DELETED':
      if (!isRecord(object) || !isRecord(object['metadata'])) return err(`${type} watch event without an object with metadata`);
      return ok({ type, object: object as unknown as T });
    case 'BOOKMARK': {
      const meta = isRecord(object) ? object['metadata'] : undefined;
      const rv = isRecord(meta) ? meta['resourceVersion'] : undefined;
      if (typeof rv !== 'string' || rv === '') return err('BOOKMARK watch event without metadata.resourceVersion');
      return ok({ type, resourceVersion: rv });
    }
    case 'ERROR':
      return ok({ type, status: toStatus(object) });
    default:
      return err(`unknown watch event type ${JSON.stringify(type)}`);
  }
}
