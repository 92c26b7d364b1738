// Public surface of the store. The conformance suite (store.conformance.ts) is imported
// directly by backend tests so production code never pulls in node:test.
export {
  StoreError,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Revision,
  type Store,
  type StoreErrorKind,
  type WatchEvent,
  type WatchEventType,
  type WatchHandlers,
  type Watcher,
} from './types.js';
export { MemoryStore } from './memory-store.js';
export { SqliteStore, type CommitInfo, type SqliteStoreOptions } from './sqlite-store.js';
