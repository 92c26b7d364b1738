// KindHooks backed by src/api: Kubernetes defaulting, validation (field errors in
// upstream wording) and schema-driven unknown-field detection.
import { applyDefaults, errorBody, formatFieldError, parseApiVersion, validateCreate, validateUpdate, type FieldError, type KubeObject } from '../api/index.js';
import { findUnknownFields } from '../api/schema/index.js';
import type { PortRange } from '../core/index.js';
import type { KindHooks } from './kind-hooks.js';
import type { FieldProblem } from './served-resource.js';

export interface HookOptions {
  readonly nodePortRange: PortRange;
}

function toProblems(errs: readonly FieldError[]): FieldProblem[] {
  return errs.map((e) => ({ field: e.field, reason: e.type, message: errorBody(e), text: formatFieldError(e) }));
}

export function hooksForKind(kind: string, opts: HookOptions): KindHooks {
  void kind;
  return {
    applyDefaults: (obj: KubeObject) => applyDefaults(obj),
    validateCreate: (obj) => toProblems(validateCreate(obj, { nodePortRange: opts.nodePortRange })),
    validateUpdate: (obj, old, subresource) => toProblems(validateUpdate(obj, old, { nodePortRange: opts.nodePortRange, ...(subresource !== undefined ? { subresource } : {}) })),
    unknownFields: (obj) => {
      const gv = parseApiVersion(obj.apiVersion);
      return findUnknownFields({ group: gv.group, version: gv.version, kind: obj.kind }, obj);
    },
  };
}
