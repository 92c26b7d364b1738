// Glue from the API server's verbs to the pure engines it uses: protobuf decoding,
// the four patch types, and server-side Table printing. Engine errors become Status errors.
import type { KubeObject } from '../api/index.js';
import { toTable } from '../api/index.js';
import { applyJsonPatch, jsonMergePatch, PatchError, serverSideApply, strategicMergePatch } from './patch/index.js';
import { decodeKubernetesProtobuf } from './protobuf/index.js';
import { ApiError, errors } from './status.js';

export type PatchKind = 'json-patch' | 'merge-patch' | 'strategic-merge-patch' | 'apply-patch';

export function decodeProtobufBody(raw: Uint8Array): KubeObject {
  const r = decodeKubernetesProtobuf(raw);
  if (!r.ok) throw errors.badRequest(`the body of the request could not be decoded as protobuf: ${r.error.message}`);
  return r.object as unknown as KubeObject;
}

function patchFailure(e: unknown): never {
  if (e instanceof PatchError) {
    if (e.reason === 'Conflict') {
      throw new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: e.message, reason: 'Conflict', details: { causes: e.causes.map((c) => ({ reason: c.reason, message: c.message, field: c.field })) }, code: 409 });
    }
    if (e.reason === 'Invalid') throw new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: e.message, reason: 'Invalid', code: 422 });
    if (e.reason === 'RequestEntityTooLarge') throw new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: e.message, reason: 'RequestEntityTooLarge', code: 413 });
    throw errors.badRequest(e.message);
  }
  throw e;
}

export function applyPatch(kind: PatchKind, current: object | undefined, raw: string, ctx: { manager: string; force: boolean; now: Date }): unknown {
  try {
    if (kind === 'apply-patch') {
      const out = serverSideApply(current, raw, { manager: ctx.manager, force: ctx.force, now: ctx.now, ignoredFields: [['status']] });
      if (out.kind === 'Conflict') throw out.error;
      return out.object;
    }
    let patch: unknown;
    try {
      patch = JSON.parse(raw);
    } catch (e) {
      throw errors.badRequest(`error decoding patch: ${(e as Error).message}`);
    }
    const cur = current ?? {};
    switch (kind) {
      case 'json-patch':
        return applyJsonPatch(cur, patch);
      case 'merge-patch':
        return jsonMergePatch(cur, patch);
      case 'strategic-merge-patch':
        return strategicMergePatch(cur, patch);
    }
  } catch (e) {
    return patchFailure(e);
  }
}

export function renderTable(resource: string, objects: readonly KubeObject[], includeObject: string, now: Date): Record<string, unknown> {
  const mode = includeObject === 'None' || includeObject === 'Object' ? includeObject : 'Metadata';
  return toTable(resource, objects, { includeObject: mode, now }) as unknown as Record<string, unknown>;
}
