// Parses a request path into what it addresses, the way kube-apiserver's
// RequestInfoFactory does: /api/v1/..., /apis/<group>/<version>/..., with
// namespaces/<ns>/ scoping, a name and a subresource.

export type RequestTarget =
  | { readonly type: 'nonresource'; readonly path: string }
  | {
      readonly type: 'resource';
      readonly group: string;
      readonly version: string;
      /** Namespace scope from the path (for namespaced resources), or undefined for cluster scope / all namespaces. */
      readonly namespace?: string;
      readonly resource: string;
      readonly name?: string;
      readonly subresource?: string;
    };

/** Returns undefined for paths under /api or /apis that are too short to address a resource (discovery docs). */
export function parseRequestPath(pathname: string): RequestTarget {
  const parts = pathname.split('/').filter((p) => p !== '').map(safeDecode);
  // A malformed escape addresses nothing (404 from the non-resource routes, not a 500).
  if (parts.includes(undefined)) return { type: 'nonresource', path: pathname };
  let rest: (string | undefined)[];
  let group: string;
  let version: string;
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else {
    return { type: 'nonresource', path: pathname };
  }
  let namespace: string | undefined;
  // namespaces/<ns>/<resource>... scopes; but namespaces/<name>[/status|finalize] addresses the Namespace itself.
  if (rest[0] === 'namespaces' && rest.length >= 3 && group === '' && rest[2] !== 'status' && rest[2] !== 'finalize') {
    namespace = rest[1];
    rest = rest.slice(2);
  } else if (rest[0] === 'namespaces' && rest.length >= 3 && group !== '') {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource, ...extra] = rest;
  if (resource === undefined || extra.length > 0) return { type: 'nonresource', path: pathname };
  return {
    type: 'resource',
    group,
    version,
    resource,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(subresource !== undefined ? { subresource } : {}),
  };
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
