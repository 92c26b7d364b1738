// Field-level validation errors with upstream's types and text
// (k8s.io/apimachinery/pkg/util/validation/field/errors.go at v0.32.0).
import { formatGoValue, goQuote, isGoLiteral, type GoValue } from './go-value.js';
import type { FieldPath } from './path.js';

export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError'
  | 'FieldValueTypeInvalid';

export interface FieldError {
  readonly type: FieldErrorType;
  /** Path as printed by upstream, e.g. "spec.ports[0].port". */
  readonly field: string;
  /** The bad value as Go would render it; absent means "omit" (Too many with unknown count). */
  readonly value?: GoValue;
  readonly detail: string;
}

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

export function fieldErrorTypeText(t: FieldErrorType): string {
  return TYPE_TEXT[t];
}

type P = FieldPath | string;
const str = (p: P): string => (typeof p === 'string' ? p : p.toString());

export function required(path: P, detail = ''): FieldError {
  return { type: 'FieldValueRequired', field: str(path), value: '', detail };
}

export function invalid(path: P, value: GoValue, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field: str(path), value, detail };
}

export function notFound(path: P, value: GoValue): FieldError {
  return { type: 'FieldValueNotFound', field: str(path), value, detail: '' };
}

export function duplicate(path: P, value: GoValue): FieldError {
  return { type: 'FieldValueDuplicate', field: str(path), value, detail: '' };
}

export function forbidden(path: P, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field: str(path), value: '', detail };
}

/** NotSupported: detail lists the valid values, each strconv.Quote'd, in the order given. */
export function notSupported(path: P, value: GoValue, validValues: readonly string[]): FieldError {
  const detail = validValues.length > 0 ? `supported values: ${validValues.map(goQuote).join(', ')}` : '';
  return { type: 'FieldValueNotSupported', field: str(path), value, detail };
}

export function tooLong(path: P, maxLength: number): FieldError {
  const detail = maxLength >= 0 ? `may not be more than ${maxLength} bytes` : 'value is too long';
  return { type: 'FieldValueTooLong', field: str(path), value: '<value omitted>', detail };
}

export function tooMany(path: P, actual: number, max: number): FieldError {
  const detail = max >= 0 ? `must have at most ${max} items` : 'has too many items';
  const base = { type: 'FieldValueTooMany' as const, field: str(path), detail };
  return actual >= 0 ? { ...base, value: actual } : base;
}

export function internalError(path: P, message: string): FieldError {
  return { type: 'InternalError', field: str(path), value: null, detail: message };
}

/** ErrorBody(): the message without the field name (what Status causes carry). */
export function errorBody(e: FieldError): string {
  let s: string;
  switch (e.type) {
    case 'FieldValueRequired':
    case 'FieldValueForbidden':
    case 'FieldValueTooLong':
    case 'InternalError':
      s = TYPE_TEXT[e.type];
      break;
    default:
      s = e.value === undefined ? TYPE_TEXT[e.type] : `${TYPE_TEXT[e.type]}: ${formatGoValue(e.value)}`;
  }
  return e.detail.length > 0 ? `${s}: ${e.detail}` : s;
}

/** Error(): "<field>: <body>", exactly as kube-apiserver prints it. */
export function formatFieldError(e: FieldError): string {
  return `${e.field}: ${errorBody(e)}`;
}

/** True when v is a value a FieldError can carry (used by tests and decoders). */
export function isGoValue(v: unknown): v is GoValue {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || isGoLiteral(v);
}
