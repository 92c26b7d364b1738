// Content negotiation: which representation the client accepts (Accept header) and
// how to decode the body it sent (Content-Type). Kubernetes encodes the "as" variant in
// media type parameters: `application/json;as=Table;v=v1;g=meta.k8s.io`.

export type OutputFormat =
  | { readonly kind: 'json' }
  | { readonly kind: 'yaml' }
  | { readonly kind: 'table'; readonly mediaType: string }
  | { readonly kind: 'partial-metadata'; readonly mediaType: string };

export interface MediaRange {
  readonly type: string;
  readonly params: Readonly<Record<string, string>>;
  readonly q: number;
}

export function parseMediaRanges(header: string | undefined): MediaRange[] {
  if (header === undefined || header.trim() === '') return [{ type: '*/*', params: {}, q: 1 }];
  const out: MediaRange[] = [];
  for (const part of header.split(',')) {
    const [typ, ...ps] = part.split(';').map((s) => s.trim());
    if (typ === undefined || typ === '') continue;
    const params: Record<string, string> = {};
    let q = 1;
    for (const p of ps) {
      const eq = p.indexOf('=');
      if (eq === -1) continue;
      const k = p.slice(0, eq).trim().toLowerCase();
      const v = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
      if (k === 'q') q = Number(v);
      else params[k] = v;
    }
    out.push({ type: typ.toLowerCase(), params, q: Number.isFinite(q) ? q : 0 });
  }
  return out.filter((m) => m.q > 0).sort((a, b) => b.q - a.q);
}

/**
 * Picks the response format. Undefined = nothing acceptable (406). Protobuf responses
 * are not produced: clients that list protobuf also list JSON (kubectl, client-go default).
 */
export function negotiateOutput(accept: string | undefined, opts: { allowTable: boolean }): OutputFormat | undefined {
  for (const m of parseMediaRanges(accept)) {
    const as = m.params['as'];
    const isJsonish = m.type === 'application/json' || m.type === '*/*' || m.type === 'application/*';
    if (as !== undefined) {
      if (m.params['g'] !== 'meta.k8s.io' || !isJsonish) continue;
      if (as === 'Table' && opts.allowTable && (m.params['v'] === 'v1' || m.params['v'] === 'v1beta1')) {
        return { kind: 'table', mediaType: `application/json;as=Table;v=${m.params['v']};g=meta.k8s.io` };
      }
      if ((as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') && (m.params['v'] === 'v1' || m.params['v'] === 'v1beta1')) {
        return { kind: 'partial-metadata', mediaType: `application/json;as=${as};v=${m.params['v']};g=meta.k8s.io` };
      }
      continue;
    }
    if (isJsonish) return { kind: 'json' };
    if (m.type === 'application/yaml' || m.type === 'text/yaml' || m.type === 'application/x-yaml') return { kind: 'yaml' };
  }
  return undefined;
}

export type BodyFormat = 'json' | 'yaml' | 'protobuf' | 'json-patch' | 'merge-patch' | 'strategic-merge-patch' | 'apply-patch';

export function bodyFormat(contentType: string | undefined): BodyFormat | undefined {
  const t = (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  switch (t) {
    case 'application/json':
    case '':
      return 'json';
    case 'application/yaml':
    case 'application/x-yaml':
    case 'text/yaml':
      return 'yaml';
    case 'application/vnd.kubernetes.protobuf':
      return 'protobuf';
    case 'application/json-patch+json':
      return 'json-patch';
    case 'application/merge-patch+json':
      return 'merge-patch';
    case 'application/strategic-merge-patch+json':
      return 'strategic-merge-patch';
    case 'application/apply-patch+yaml':
    case 'application/apply-patch+cbor':
      return t === 'application/apply-patch+yaml' ? 'apply-patch' : undefined;
    default:
      return undefined;
  }
}
