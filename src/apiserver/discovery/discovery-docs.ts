// Routes a GET on a non-resource path to the discovery or OpenAPI document it names.
// Pure apart from lazy memoization: documents depend only on the input, so each is built
// (and serialized, for hashing) at most once.
import type { AggregatedVersion } from './aggregated-discovery.js';
import { aggregatedDiscovery, negotiateDiscovery } from './aggregated-discovery.js';
import type { DiscoveryInput } from './discovery-input.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions } from './legacy-discovery.js';
import { openApiV2Document } from './openapi-v2.js';
import type { OpenApiV3Set } from './openapi-v3.js';
import { contentHash, openApiV3Set } from './openapi-v3.js';
import type { VersionInfo } from './version-info.js';

export interface DiscoveryDoc {
  /** JSON value of the response. */
  readonly body: unknown;
  readonly contentType: string;
  /** Extra response headers (ETag, Vary, Cache-Control). */
  readonly headers: Readonly<Record<string, string>>;
}

export type DiscoveryLookup =
  | { readonly kind: 'doc'; readonly doc: DiscoveryDoc }
  /** The path is a discovery path but no representation the client accepts exists (406). */
  | { readonly kind: 'not-acceptable'; readonly message: string }
  /** Not a discovery/OpenAPI path, or nothing is served there (404). */
  | { readonly kind: 'not-found' };

export interface DiscoveryDocs {
  version(): VersionInfo;
  lookup(pathname: string, query: URLSearchParams, accept: string | undefined): DiscoveryLookup;
}

const JSON_TYPE = 'application/json';
const PROTOBUF_V2 = 'application/com.github.proto-openapi.spec.v2';

function once<T>(f: () => T): () => T {
  let cached: { v: T } | undefined;
  return () => (cached ??= { v: f() }).v;
}

function doc(body: unknown, contentType = JSON_TYPE, headers: Record<string, string> = {}): DiscoveryLookup {
  return { kind: 'doc', doc: { body, contentType, headers } };
}

/** /openapi/v2 may be asked for protobuf only (client-go's OpenAPISchema()); we only have JSON. */
function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  return accept.split(',').some((part) => {
    const t = part.split(';')[0]!.trim().toLowerCase();
    return t === 'application/json' || t === '*/*' || t === 'application/*';
  });
}

export function createDiscoveryDocs(input: DiscoveryInput): DiscoveryDocs {
  const v3 = once((): OpenApiV3Set => openApiV3Set(input));
  const v3Bodies = once(() => new Map([...v3().documents].map(([k, d]) => [k, JSON.parse(d.json) as unknown])));
  const v2 = once(() => {
    const body = openApiV2Document(input);
    return { body, hash: contentHash(JSON.stringify(body)) };
  });
  const aggregated = (scope: 'api' | 'apis', version: AggregatedVersion) => aggregatedDiscovery(input, scope, version);

  function groupDiscovery(scope: 'api' | 'apis', accept: string | undefined): DiscoveryLookup {
    const format = negotiateDiscovery(accept);
    // Vary: the same URL answers differently per Accept, and caches must know.
    const vary = { Vary: 'Accept' };
    switch (format.kind) {
      case 'aggregated':
        return doc(aggregated(scope, format.version), format.contentType, vary);
      case 'legacy':
        return doc(scope === 'api' ? apiVersions(input) : apiGroupList(input), JSON_TYPE, vary);
      case 'not-acceptable':
        return { kind: 'not-acceptable', message: `only application/json discovery documents are served; Accept was ${accept ?? ''}` };
    }
  }

  function openApiV3(rest: string, query: URLSearchParams): DiscoveryLookup {
    if (rest === '') return doc(v3().index, JSON_TYPE, { 'Cache-Control': 'no-cache, private' });
    const entry = v3().documents.get(rest);
    const body = v3Bodies().get(rest);
    if (entry === undefined || body === undefined) return { kind: 'not-found' };
    const pinned = query.get('hash') === entry.hash;
    return doc(body, JSON_TYPE, {
      ETag: `"${entry.hash}"`,
      'Cache-Control': pinned ? 'public, immutable' : 'no-cache, private',
    });
  }

  return {
    version: once(() => input.version),
    lookup(pathname, query, accept) {
      const p = pathname.replace(/\/+$/, '') || '/';
      if (p === '/version') return doc(input.version);
      if (p === '/api') return groupDiscovery('api', accept);
      if (p === '/apis') return groupDiscovery('apis', accept);
      if (p === '/openapi/v2') {
        if (!acceptsJson(accept)) return { kind: 'not-acceptable', message: `only ${JSON_TYPE} is served for /openapi/v2, not ${PROTOBUF_V2}` };
        const d = v2();
        return doc(d.body, JSON_TYPE, { ETag: `"${d.hash}"` });
      }
      if (p === '/openapi/v3') return openApiV3('', query);
      if (p.startsWith('/openapi/v3/')) return openApiV3(p.slice('/openapi/v3/'.length), query);
      const parts = p.split('/').filter((s) => s !== '');
      if (parts[0] === 'api' && parts.length === 2) {
        const list = apiResourceList(input, { group: '', version: parts[1]! });
        return list === undefined ? { kind: 'not-found' } : doc(list);
      }
      if (parts[0] === 'apis' && parts.length === 2) {
        const g = apiGroup(input, parts[1]!);
        return g === undefined ? { kind: 'not-found' } : doc(g);
      }
      if (parts[0] === 'apis' && parts.length === 3) {
        const list = apiResourceList(input, { group: parts[1]!, version: parts[2]! });
        return list === undefined ? { kind: 'not-found' } : doc(list);
      }
      return { kind: 'not-found' };
    },
  };
}
