// DNS wire format: parse queries, emit compressed responses, scan relayed responses.
// Depends only on src/core.
export * from './constants.js';
export * from './types.js';
export { parseQuery, type ParsedQuery, type ParsedQuestion, type QueryHeader } from './query-parser.js';
export { emitMessage, type EmitResult } from './message-writer.js';
export { scanResponse, type ResponseScan } from './response-scan.js';
export { readName, skipName, splitName, labelText, labelBytes, joinLabels, MAX_LABEL, MAX_NAME_WIRE } from './names.js';
export { ipv6Bytes } from './ip-bytes.js';
export { buildQuery } from './query-builder.js';
