// The 422 Invalid Status kube-apiserver returns for field errors
// (k8s.io/apimachinery/pkg/api/errors NewInvalid, field.ErrorList.ToAggregate).
import type { Status } from '../types/index.js';
import { errorBody, formatFieldError, type FieldError } from './field-error.js';
import { goQuote } from './go-value.js';

/** utilerrors aggregate text: one message bare, several as "[a, b]", duplicates dropped. */
export function aggregateMessage(errs: readonly FieldError[]): string {
  const msgs = [...new Set(errs.map(formatFieldError))];
  if (msgs.length === 1) return msgs[0] ?? '';
  return `[${msgs.join(', ')}]`;
}

/** `<Kind>[.<group>] "<name>" is invalid: <aggregate>` with one cause per error. */
export function invalidStatus(group: string, kind: string, name: string, errs: readonly FieldError[]): Status {
  const qualified = group === '' ? kind : `${kind}.${group}`;
  const message = errs.length === 0 ? `${qualified} ${goQuote(name)} is invalid` : `${qualified} ${goQuote(name)} is invalid: ${aggregateMessage(errs)}`;
  return {
    apiVersion: 'v1',
    kind: 'Status',
    metadata: {},
    status: 'Failure',
    message,
    reason: 'Invalid',
    details: {
      name,
      ...(group === '' ? {} : { group }),
      kind,
      causes: errs.map((e) => ({ reason: e.type, message: errorBody(e), field: e.field })),
    },
    code: 422,
  };
}
