// LIST and WATCH over the store: consistent snapshots, limit/continue paging,
// resourceVersion semantics, selector filtering, and the chunked newline-delimited
// JSON watch stream (ADDED / MODIFIED / DELETED / BOOKMARK / ERROR).
import type { ServerResponse } from 'node:http';
import type { KubeObject, Status } from '../api/index.js';
import type { Clock } from '../core/index.js';
import { StoreError, type KeyValue, type WatchEvent } from '../store/types.js';
import type { ObjectFilter } from './object-filter.js';
import type { ServedResource } from './served-resource.js';
import { apiVersionOf } from './served-resource.js';
import { errors } from './status.js';
import { decodeShared, watchLine } from './raw-json.js';
import { decodeKv, type ResourceStorage } from './storage.js';

export interface ListQuery {
  readonly namespace: string | undefined;
  readonly filter: ObjectFilter | undefined;
  readonly limit: number;
  readonly continueToken: string | undefined;
  readonly resourceVersion: string | undefined;
  readonly resourceVersionMatch: string | undefined;
  /** Without a filter, keep items as stored bytes in ListOutcome.raw, undecoded (perf: plain JSON lists). */
  readonly raw?: boolean;
}

export interface ListOutcome {
  readonly items: KubeObject[];
  /** Set instead of `items` when the query asked for raw items. */
  readonly raw?: KeyValue[];
  readonly resourceVersion: string;
  readonly continueToken?: string;
  readonly remainingItemCount?: number;
}

function parseRV(rv: string): number {
  if (!/^[0-9]+$/.test(rv)) throw errors.badRequest(`resourceVersion: Invalid value: "${rv}": must be a non-negative integer`);
  return Number(rv);
}

/** ValidateListOptions: refused combinations are 422 Invalid on ListOptions.meta.k8s.io, as upstream. */
function validateListOptions(q: ListQuery): void {
  const match = q.resourceVersionMatch ?? '';
  const rv = q.resourceVersion ?? '';
  const forbidden = (why: string) => {
    const message = `Forbidden: ${why}`;
    return errors.invalid('meta.k8s.io', 'ListOptions', '', [{ field: 'resourceVersionMatch', reason: 'FieldValueForbidden', message, text: `resourceVersionMatch: ${message}` }]);
  };
  if (match === '') return;
  if (rv === '') throw forbidden('resourceVersionMatch is forbidden unless resourceVersion is provided');
  if (q.continueToken !== undefined) throw forbidden('resourceVersionMatch is forbidden when continue is provided');
  if (match === 'Exact' && rv === '0') throw forbidden('resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
  if (match !== 'Exact' && match !== 'NotOlderThan') {
    const message = `Unsupported value: ${JSON.stringify(match)}: supported values: "Exact", "NotOlderThan", ""`;
    throw errors.invalid('meta.k8s.io', 'ListOptions', '', [{ field: 'resourceVersionMatch', reason: 'FieldValueNotSupported', message, text: `resourceVersionMatch: ${message}` }]);
  }
}

export async function listObjects(storage: ResourceStorage, q: ListQuery): Promise<ListOutcome> {
  validateListOptions(q);
  let revision: number | undefined;
  if (q.resourceVersion !== undefined && q.resourceVersion !== '' && q.resourceVersion !== '0' && q.continueToken === undefined) {
    const rv = parseRV(q.resourceVersion);
    // Exact serves that snapshot; NotOlderThan (and legacy unset match) serves the latest, which is not older.
    if (rv > storage.store.currentRevision()) throw errors.tooLargeResourceVersion(rv, storage.store.currentRevision());
    if (q.resourceVersionMatch === 'Exact') revision = rv;
  }
  const items: KubeObject[] = [];
  const raw: KeyValue[] = [];
  const keepRaw = q.raw === true && q.filter === undefined;
  let token = q.continueToken;
  let lastRevision = 0;
  let remaining: number | undefined;
  // With a filter, keep reading pages until `limit` matching items are found (as the etcd3 store does).
  for (;;) {
    const want = q.limit > 0 ? q.limit - items.length - raw.length : 0;
    const page = await storage.list(q.namespace, {
      ...(revision !== undefined ? { revision } : {}),
      ...(want > 0 ? { limit: want } : {}),
      ...(token !== undefined ? { continue: token } : {}),
    });
    lastRevision = page.revision;
    token = page.continue;
    remaining = page.remainingItemCount;
    // Pages never exceed the number still wanted, so no page is over-read and the store's token stays exact.
    if (keepRaw) for (const kv of page.items) raw.push(kv);
    else {
      for (const kv of page.items) {
        const obj = decodeKv(kv);
        if (q.filter === undefined || q.filter(obj)) items.push(obj);
      }
    }
    if (token === undefined || q.limit === 0 || items.length + raw.length >= q.limit) break;
    revision = page.revision;
  }
  return {
    items,
    ...(keepRaw ? { raw } : {}),
    resourceVersion: String(lastRevision),
    ...(token !== undefined ? { continueToken: token } : {}),
    ...(token !== undefined && remaining !== undefined && q.filter === undefined ? { remainingItemCount: remaining } : {}),
  };
}

export interface WatchQuery {
  readonly namespace: string | undefined;
  readonly filter: ObjectFilter | undefined;
  readonly resourceVersion: string | undefined;
  readonly allowBookmarks: boolean;
  readonly sendInitialEvents: boolean;
  readonly timeoutSeconds: number;
}

export type WatchEventOut = { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR'; object: unknown };

/**
 * Streams a watch to `res`. `render` turns an object into what the client asked for
 * (the object itself, or a one-row Table). Resolves when the stream ends.
 */
export function serveWatch(
  res: ServerResponse,
  def: ServedResource,
  storage: ResourceStorage,
  q: WatchQuery,
  clock: Clock,
  render: (obj: KubeObject, type: WatchEventOut['type']) => unknown,
): Promise<void> {
  return new Promise<void>((resolve) => {
    let closed = false;
    let lastRV = 0;
    const write = (ev: WatchEventOut) => {
      // Serialized once per event for all watchers that render it as-is (perf: fan-out).
      if (!closed) res.write(watchLine(ev.type, ev.object));
    };
    const end = () => {
      if (closed) return;
      closed = true;
      watcher?.close();
      clock.clearTimeout(timeout);
      if (bookmarkTimer !== undefined) clock.clearTimeout(bookmarkTimer);
      res.end();
      resolve();
    };
    const bookmark = (annotations?: Record<string, string>) =>
      write({ type: 'BOOKMARK', object: { kind: def.kind, apiVersion: apiVersionOf(def), metadata: { resourceVersion: String(lastRV), ...(annotations ? { annotations } : {}) } } });
    const errorEvent = (s: Status) => {
      write({ type: 'ERROR', object: s });
      end();
    };

    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
    res.flushHeaders?.();
    res.on('close', end);

    const timeout = clock.setTimeout(end, q.timeoutSeconds * 1000);
    let bookmarkTimer: ReturnType<Clock['setTimeout']> | undefined;
    const scheduleBookmark = () => {
      if (!q.allowBookmarks) return;
      bookmarkTimer = clock.setTimeout(() => {
        bookmark();
        scheduleBookmark();
      }, 15_000);
    };

    let watcher: { close(): void } | undefined;
    const onEvent = (e: WatchEvent) => {
      if (closed) return;
      lastRV = e.revision;
      // Decoded once per store event, shared by every watcher: read-only from here on.
      const cur = decodeShared(e.kv);
      const prev = e.prevKv !== undefined ? decodeShared(e.prevKv) : undefined;
      const f = q.filter;
      const curOk = f === undefined || f(cur);
      const prevOk = prev !== undefined && (f === undefined || f(prev));
      let type: WatchEventOut['type'] | undefined;
      let obj = cur;
      if (e.type === 'ADDED') type = curOk ? 'ADDED' : undefined;
      else if (e.type === 'DELETED') {
        type = (f === undefined || prevOk || curOk) ? 'DELETED' : undefined;
        obj = cur;
      } else if (curOk && prevOk) type = 'MODIFIED';
      else if (curOk) type = 'ADDED';
      else if (prevOk && prev !== undefined) {
        // Leaving the selector: the last state the client was shown, at this change's version (as the watch cache does).
        type = 'DELETED';
        obj = { ...prev, metadata: { ...prev.metadata, resourceVersion: String(e.revision) } };
      }
      if (type !== undefined) write({ type, object: render(obj, type) });
    };
    const onError = (err: StoreError) => {
      if (err.kind === 'Compacted') {
        errorEvent({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${q.resourceVersion} (${storage.store.compactedRevision()})`, reason: 'Expired', code: 410 });
      } else end();
    };

    const start = async () => {
      const rv = q.resourceVersion;
      if (rv === undefined || rv === '' || rv === '0' || q.sendInitialEvents) {
        // Synthetic ADDED events for the current state, then changes after that snapshot.
        const page = await storage.list(q.namespace);
        lastRV = page.revision;
        for (const kv of page.items) {
          const obj = decodeKv(kv);
          if (q.filter === undefined || q.filter(obj)) write({ type: 'ADDED', object: render(obj, 'ADDED') });
        }
        if (q.sendInitialEvents && q.allowBookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
        watcher = storage.watch(q.namespace, page.revision, onEvent, onError);
      } else {
        const from = Number(rv);
        if (!Number.isInteger(from) || from < 0) {
          errorEvent({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `invalid resource version "${rv}"`, reason: 'BadRequest', code: 400 });
          return;
        }
        lastRV = from;
        if (from < storage.store.compactedRevision()) {
          onError(new StoreError('Compacted', 'compacted'));
          return;
        }
        // A version this store has not reached (another server's, or made up) would silently skip
        // everything up to it; upstream's watch cache gives up with 504 Too large resource version.
        if (from > storage.store.currentRevision()) {
          errorEvent(errors.tooLargeResourceVersion(from, storage.store.currentRevision()).status);
          return;
        }
        watcher = storage.watch(q.namespace, from, onEvent, onError);
      }
      scheduleBookmark();
      if (closed) watcher?.close();
    };
    start().catch((e: unknown) => {
      errorEvent({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: e instanceof Error ? e.message : String(e), reason: 'InternalError', code: 500 });
    });
  });
}
