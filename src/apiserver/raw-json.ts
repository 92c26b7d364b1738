// Fast paths for serving stored JSON without a parse/stringify round trip per object:
// a plain JSON list is the stored bytes with resourceVersion spliced in, and a watch
// event is decoded and serialized once however many watchers receive it.
// Relies on encodeObject's invariant: stored values are compact JSON objects without
// metadata.resourceVersion (the revision is stamped on read).
import type { ServerResponse } from 'node:http';
import type { KubeObject } from '../api/index.js';
import type { KeyValue } from '../store/types.js';
import { decodeKv } from './storage.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COLON = 0x3a;
const METADATA = Buffer.from('metadata');

const isSpace = (b: number | undefined) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/**
 * Offset just after the `{` that opens the top-level `metadata` object, or -1. Scans with
 * string and depth tracking, so a nested or quoted "metadata" is never taken for it; the
 * API server writes apiVersion, kind, metadata first, so the scan is short.
 */
export function metadataOpenOffset(v: Uint8Array): number {
  let depth = 0;
  let i = 0;
  const n = v.length;
  while (i < n) {
    const b = v[i]!;
    if (b === QUOTE) {
      const start = i + 1;
      i++;
      while (i < n && v[i] !== QUOTE) i += v[i] === BACKSLASH ? 2 : 1;
      const end = i; // closing quote
      i++;
      if (depth === 1 && end - start === METADATA.length && METADATA.equals(v.subarray(start, end))) {
        let j = i;
        while (isSpace(v[j])) j++;
        if (v[j] !== COLON) continue; // a string value "metadata", not the key
        j++;
        while (isSpace(v[j])) j++;
        return v[j] === LBRACE ? j + 1 : -1;
      }
      continue;
    }
    if (b === LBRACE || b === LBRACKET) depth++;
    else if (b === RBRACE || b === RBRACKET) depth--;
    i++;
  }
  return -1;
}

/** The stored object as JSON with metadata.resourceVersion = the kv's modRevision, in pieces (no copy of the value). */
export function stampedParts(kv: KeyValue): Uint8Array[] {
  const v = kv.value;
  const at = metadataOpenOffset(v);
  if (at < 0) return [Buffer.from(JSON.stringify(decodeKv(kv)))];
  let next = at;
  while (isSpace(v[next])) next++;
  const field = Buffer.from(`"resourceVersion":"${kv.modRevision}"${v[next] === RBRACE ? '' : ','}`);
  return [v.subarray(0, at), field, v.subarray(at)];
}

export function stampedJson(kv: KeyValue): Buffer {
  return Buffer.concat(stampedParts(kv));
}

const CHUNK = 256 * 1024;

/** Streams `{...head, "items":[...]}` from stored values, honouring backpressure. */
export async function sendRawList(res: ServerResponse, head: Record<string, unknown>, kvs: readonly KeyValue[]): Promise<void> {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  const open = JSON.stringify(head);
  let parts: Uint8Array[] = [Buffer.from(`${open.slice(0, -1)}${open.length > 2 ? ',' : ''}"items":[`)];
  let size = parts[0]!.length;
  let gone = false;
  res.once('close', () => (gone = true));
  const flush = async () => {
    const ok = res.write(parts.length === 1 ? parts[0]! : Buffer.concat(parts, size));
    parts = [];
    size = 0;
    if (!ok && !gone) await new Promise<void>((r) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        r();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  };
  for (let i = 0; i < kvs.length && !gone; i++) {
    if (i > 0) {
      parts.push(COMMA);
      size++;
    }
    for (const p of stampedParts(kvs[i]!)) {
      parts.push(p);
      size += p.length;
    }
    if (size >= CHUNK) await flush();
  }
  if (gone) return;
  parts.push(CLOSE);
  size += CLOSE.length;
  await flush();
  res.end();
}
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']}');

const decoded = new WeakMap<KeyValue, KubeObject>();
const serialized = new WeakMap<object, string>();

/**
 * decodeKv shared by every watcher of the same store event. The result is shared: callers
 * must treat it as read-only.
 */
export function decodeShared(kv: KeyValue): KubeObject {
  let o = decoded.get(kv);
  if (o === undefined) {
    o = decodeKv(kv);
    decoded.set(kv, o);
  }
  return o;
}

/** One watch event line; an object rendered as-is (the shared decode) is stringified once. */
export function watchLine(type: string, object: unknown): string {
  if (typeof object !== 'object' || object === null) return `${JSON.stringify({ type, object })}\n`;
  let json = serialized.get(object);
  if (json === undefined) {
    json = JSON.stringify(object);
    serialized.set(object, json);
  }
  return `{"type":${JSON.stringify(type)},"object":${json}}\n`;
}
