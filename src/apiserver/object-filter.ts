// Label and field selector filtering for list and watch.
import { matchesLabels, parseLabelSelector, type KubeObject } from '../api/index.js';
import { matchesFieldSelector, parseFieldSelectorFor } from './field-selector-adapter.js';
import { errors } from './status.js';

export type ObjectFilter = (obj: KubeObject) => boolean;

export function buildFilter(resource: string, labelSelector: string | null, fieldSelector: string | null): ObjectFilter | undefined {
  const preds: ObjectFilter[] = [];
  if (labelSelector !== null && labelSelector !== '') {
    const r = parseLabelSelector(labelSelector);
    if (!r.ok) throw errors.badRequest(`unable to parse requirement: ${r.error.message}`.replace(/^unable to parse requirement: (unable to parse requirement: )/, '$1'));
    const sel = r.value;
    preds.push((o) => matchesLabels(sel, o.metadata.labels));
  }
  if (fieldSelector !== null && fieldSelector !== '') {
    const r = parseFieldSelectorFor(resource, fieldSelector);
    if (!r.ok) throw errors.badRequest(r.error);
    const sel = r.value;
    preds.push((o) => matchesFieldSelector(resource, sel, o));
  }
  if (preds.length === 0) return undefined;
  return (o) => preds.every((p) => p(o));
}
