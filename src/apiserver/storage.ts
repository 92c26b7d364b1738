// Typed access to the revisioned store for one resource: key layout, JSON encoding,
// and resourceVersion = the store's modRevision (stamped on read, never trusted on write).
import type { KubeObject } from '../api/index.js';
import type { KeyValue, ListResult, Revision, Store, WatchEvent, Watcher } from '../store/types.js';
import { StoreError } from '../store/types.js';
import { errors, type QualifiedResource } from './status.js';

export interface ResourceKeyspace extends QualifiedResource {
  readonly namespaced: boolean;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export function resourcePrefix(r: ResourceKeyspace, namespace?: string): string {
  const base = `/registry/${r.group === '' ? 'core' : r.group}/${r.resource}/`;
  return r.namespaced && namespace !== undefined ? `${base}${namespace}/` : base;
}

export function objectKey(r: ResourceKeyspace, namespace: string | undefined, name: string): string {
  return `${resourcePrefix(r, r.namespaced ? namespace ?? '' : undefined)}${name}`;
}

export function decodeKv<T extends KubeObject = KubeObject>(kv: KeyValue): T {
  const obj = JSON.parse(dec.decode(kv.value)) as T;
  obj.metadata.resourceVersion = String(kv.modRevision);
  return obj;
}

export function encodeObject(obj: KubeObject): Uint8Array {
  // resourceVersion is derived from the store revision; don't persist a stale copy.
  const { resourceVersion: _rv, ...meta } = obj.metadata;
  return enc.encode(JSON.stringify({ ...obj, metadata: meta }));
}

/** Maps store errors onto API errors for this resource. */
export function mapStoreError(e: unknown, r: QualifiedResource, name: string): never {
  if (e instanceof StoreError) {
    switch (e.kind) {
      case 'AlreadyExists':
        throw errors.alreadyExists(r, name);
      case 'NotFound':
        throw errors.notFound(r, name);
      case 'Conflict':
        throw errors.conflict(r, name);
      case 'Compacted':
        throw errors.gone(`too old resource version: ${e.message}`);
      case 'FutureRevision':
        throw errors.timeout(`Too large resource version: ${e.message}`);
      case 'InvalidArgument':
        throw errors.badRequest(e.message);
      default:
        throw errors.internal(e.message);
    }
  }
  throw e;
}

export class ResourceStorage {
  constructor(
    readonly store: Store,
    readonly r: ResourceKeyspace,
  ) {}

  async get<T extends KubeObject>(namespace: string | undefined, name: string): Promise<T | undefined> {
    const kv = await this.store.get(objectKey(this.r, namespace, name));
    return kv === undefined ? undefined : decodeKv<T>(kv);
  }

  async mustGet<T extends KubeObject>(namespace: string | undefined, name: string): Promise<T> {
    const o = await this.get<T>(namespace, name);
    if (o === undefined) throw errors.notFound(this.r, name);
    return o;
  }

  async list(namespace: string | undefined, opts: { revision?: Revision; limit?: number; continue?: string } = {}): Promise<ListResult> {
    try {
      return await this.store.list(resourcePrefix(this.r, namespace), opts);
    } catch (e) {
      if (e instanceof StoreError && e.kind === 'Compacted' && opts.continue === undefined) {
        throw errors.gone('The resourceVersion for the provided list is too old.');
      }
      if (e instanceof StoreError && e.kind === 'Compacted') {
        throw errors.gone(`The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.`);
      }
      return mapStoreError(e, this.r, '');
    }
  }

  async create<T extends KubeObject>(obj: T): Promise<T> {
    const name = obj.metadata.name ?? '';
    try {
      const kv = await this.store.create(objectKey(this.r, obj.metadata.namespace, name), encodeObject(obj));
      return decodeKv<T>(kv);
    } catch (e) {
      return mapStoreError(e, this.r, name);
    }
  }

  async update<T extends KubeObject>(obj: T, expectedRevision: Revision): Promise<T> {
    const name = obj.metadata.name ?? '';
    try {
      const kv = await this.store.update(objectKey(this.r, obj.metadata.namespace, name), encodeObject(obj), expectedRevision);
      return decodeKv<T>(kv);
    } catch (e) {
      return mapStoreError(e, this.r, name);
    }
  }

  async delete<T extends KubeObject>(namespace: string | undefined, name: string, expectedRevision?: Revision): Promise<T> {
    try {
      const kv = await this.store.delete(objectKey(this.r, namespace, name), expectedRevision);
      return decodeKv<T>(kv);
    } catch (e) {
      return mapStoreError(e, this.r, name);
    }
  }

  watch(namespace: string | undefined, fromRevision: Revision | undefined, onEvent: (e: WatchEvent) => void, onError: (e: StoreError) => void): Watcher {
    return this.store.watch(resourcePrefix(this.r, namespace), fromRevision, { onEvent, onError });
  }
}
