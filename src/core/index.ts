export * from './result.js';
export * from './clock.js';
export * from './ip.js';
export * from './cidr.js';
export * from './port-range.js';
export * from './bitmap-allocator.js';
export * from './range-allocators.js';
export * from './log.js';
