// A server-side Table of a list, streamed row by row. Produces exactly the JSON of
// `{...toTable(resource, decoded objects), metadata}` serialized in one piece (the slow path,
// still used per row whenever the fast one does not apply), but for printers that declare the
// fields they read it decodes only those from the stored bytes and copies metadata (or the
// whole object, for includeObject=Object) from the stored bytes with resourceVersion appended.
// Relies on encodeObject's invariant: stored values are compact JSON objects without
// metadata.resourceVersion; a value that breaks it takes the slow path.
import type { ServerResponse } from 'node:http';
import { type FieldProjection, type KubeObject, type ListMeta, type PrintContext, type PrintedRow, type ResourcePrinter } from '../api/index.js';
import type { KeyValue } from '../store/types.js';
import { ChunkWriter } from './chunk-writer.js';
import { compileProjection, MalformedJson, projectJson, type CompiledProjection } from './json-projection.js';
import type { RowCache, RowFacts } from './row-cache.js';
import { decodeKv } from './storage.js';

export type TableInclude = 'None' | 'Metadata' | 'Object';

/** The includeObject query value as renderTable reads it: anything unknown means Metadata. */
export function tableInclude(q: string): TableInclude {
  return q === 'None' || q === 'Object' ? q : 'Metadata';
}

export interface TableListSpec {
  readonly printer: ResourcePrinter;
  readonly include: TableInclude;
  readonly nowMs: number;
  readonly metadata: ListMeta;
  readonly contentType: string;
  /** Projections of stored values from earlier lists (see row-cache.ts). */
  readonly cache?: RowCache;
}

/** List tables are always meta.k8s.io/v1, as renderTable makes them. */
const GV = 'meta.k8s.io/v1';
const PARTIAL_OPEN = `"object":{"kind":"PartialObjectMetadata","apiVersion":"${GV}","metadata":`;
const RBRACE = 0x7d;
const LBRACE = 0x7b;

function isSpace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** The printer's projection plus metadata.resourceVersion, whose presence sends a value down the slow path. */
const withRvCheck = new WeakMap<object, CompiledProjection>();
function rowProjection(fields: Exclude<FieldProjection, true>): CompiledProjection {
  let c = withRvCheck.get(fields);
  if (c === undefined) {
    const meta = fields['metadata'];
    const metadata = meta === true ? true : { ...(meta ?? {}), resourceVersion: true as const };
    c = compileProjection({ ...fields, metadata });
    withRvCheck.set(fields, c);
  }
  return c;
}

function asBuffer(v: Uint8Array): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

function rowHead(printed: PrintedRow): string {
  const cells = `{"cells":${JSON.stringify(printed.cells)},`;
  return printed.conditions === undefined ? cells : `${cells}"conditions":${JSON.stringify(printed.conditions)},`;
}

/** One row the slow way: the decoded object, printed and serialized as toTable's row would be. */
function writeDecodedRow(w: ChunkWriter, spec: TableListSpec, obj: KubeObject, ctx: PrintContext): void {
  w.str(rowHead(spec.printer.row(obj, ctx)));
  if (spec.include === 'None') w.str('"object":null}');
  else if (spec.include === 'Object') w.str(`"object":${JSON.stringify(obj)}}`);
  else w.str(`${PARTIAL_OPEN}${JSON.stringify(obj.metadata)}}}`);
}

/** The printed row and metadata's place for a stored value; undefined: the value needs the slow path. */
function storedRow(b: Buffer, kv: KeyValue, spec: TableListSpec, proj: CompiledProjection, ctx: PrintContext): { row: PrintedRow; facts: Omit<RowFacts, 'prepared'> } | undefined {
  const staged = spec.printer.staged;
  const cache = staged !== undefined ? spec.cache : undefined;
  const hit = cache?.get(kv.key, kv.modRevision, staged!);
  if (hit !== undefined) return { row: staged!.finish(hit.prepared, ctx), facts: hit };
  let projected;
  try {
    projected = projectJson(b, proj, 'metadata');
  } catch (e) {
    if (e instanceof MalformedJson) return undefined;
    throw e;
  }
  const meta = projected.value['metadata'];
  const span = projected.span;
  if (span === undefined || b[span.start] !== LBRACE || meta === null || typeof meta !== 'object' || 'resourceVersion' in meta) return undefined;
  const metaClose = span.end - 1;
  let k = metaClose - 1;
  while (isSpace(b[k])) k--;
  const facts = { metaStart: span.start, metaClose, metaEmpty: b[k] === LBRACE };
  const obj = projected.value as unknown as KubeObject;
  if (staged === undefined) return { row: spec.printer.row(obj, ctx), facts };
  const prepared = staged.prepare(obj);
  cache?.set(kv.key, kv.modRevision, staged, { ...facts, prepared });
  return { row: staged.finish(prepared, ctx), facts };
}

/** One row from stored bytes; false when the value does not qualify for the fast path (nothing written). */
function writeStoredRow(w: ChunkWriter, spec: TableListSpec, proj: CompiledProjection, kv: KeyValue, ctx: PrintContext): boolean {
  const b = asBuffer(kv.value);
  const r = storedRow(b, kv, spec, proj, ctx);
  if (r === undefined) return false;
  const { metaStart, metaClose, metaEmpty } = r.facts;
  // decodeKv appends resourceVersion as metadata's last key.
  const rv = `${metaEmpty ? '' : ','}"resourceVersion":"${kv.modRevision}"`;
  w.str(rowHead(r.row));
  if (spec.include === 'None') w.str('"object":null}');
  else if (spec.include === 'Object') {
    w.str('"object":');
    w.bytes(b, 0, metaClose);
    w.str(rv);
    w.bytes(b, metaClose, b.length);
    w.str('}');
  } else {
    w.str(PARTIAL_OPEN);
    w.bytes(b, metaStart, metaClose);
    w.str(rv);
    w.str('}}}');
  }
  return true;
}

export type TableSource = { readonly kvs: readonly KeyValue[] } | { readonly objects: readonly KubeObject[] };

/** Streams the Table (chunked, backpressure-aware). */
export async function sendTableList(res: ServerResponse, spec: TableListSpec, source: TableSource): Promise<void> {
  res.writeHead(200, { 'Content-Type': spec.contentType, 'Cache-Control': 'no-cache, private' });
  const w = new ChunkWriter(res);
  const head = JSON.stringify({ kind: 'Table', apiVersion: GV, metadata: spec.metadata, columnDefinitions: spec.printer.columns, rows: [] });
  w.str(head.slice(0, -2));
  const ctx: PrintContext = { nowMs: spec.nowMs };
  const fields = spec.printer.fields;
  const proj = fields !== undefined && fields !== true ? rowProjection(fields) : undefined;
  const n = 'kvs' in source ? source.kvs.length : source.objects.length;
  try {
    for (let i = 0; i < n && !w.closed; i++) {
      if (i > 0) w.str(',');
      if ('kvs' in source) {
        const kv = source.kvs[i]!;
        if (proj === undefined || !writeStoredRow(w, spec, proj, kv, ctx)) writeDecodedRow(w, spec, decodeKv(kv), ctx);
      } else writeDecodedRow(w, spec, source.objects[i]!, ctx);
      await w.maybeFlush();
    }
  } catch (e) {
    // Past the status line a failure (an undecodable stored value) can only abort the
    // response, so the client sees an error rather than a well-formed partial table.
    res.destroy();
    throw e;
  }
  if (w.closed) return;
  w.str(']}');
  await w.end();
}
