export * from './meta.js';
export * from './pod.js';
export * from './service.js';
export * from './endpoints.js';
export * from './node.js';
export * from './namespace.js';
export * from './apps.js';
export * from './known-kinds.js';
