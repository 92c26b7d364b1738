import { MemoryStore } from './memory-store.js';
import { runStoreConformance } from './store.conformance.js';

runStoreConformance('MemoryStore', () => new MemoryStore());
