// Test-only helpers: a protobuf builder independent of WireWriter (BigInt varints), the
// captured kubectl fixtures, and realistic objects in Go-normalized JSON form.

import { readdirSync, readFileSync } from 'node:fs';
import type { JsonObject } from './json.js';

export type Part = Uint8Array | number[];

function varint(v: number | bigint): number[] {
  let x = BigInt.asUintN(64, BigInt(v));
  const out: number[] = [];
  while (x > 0x7fn) {
    out.push(Number(x & 0x7fn) | 0x80);
    x >>= 7n;
  }
  out.push(Number(x));
  return out;
}

export function cat(...parts: Part[]): Uint8Array {
  const flat: number[] = [];
  for (const p of parts) flat.push(...p);
  return Uint8Array.from(flat);
}

/** Field `no` as a varint (wire type 0). */
export const vint = (no: number, v: number | bigint): number[] => [...varint(no << 3), ...varint(v)];
/** Field `no` as length-delimited bytes (wire type 2). */
export const ld = (no: number, ...payload: Part[]): number[] => {
  const body = cat(...payload);
  return [...varint((no << 3) | 2), ...varint(body.length), ...body];
};
export const str = (no: number, s: string): number[] => ld(no, Buffer.from(s, 'utf8'));
/** A map<string,string> entry. */
export const entry = (no: number, k: string, v: string): number[] => ld(no, str(1, k), str(2, v));

export const MAGIC = [0x6b, 0x38, 0x73, 0x00];

/** 'k8s\0' + runtime.Unknown{typeMeta{apiVersion, kind}, raw, contentEncoding '', contentType ''}. */
export function envelope(apiVersion: string, kind: string, raw: Part): Uint8Array {
  return cat(MAGIC, ld(1, str(1, apiVersion), str(2, kind)), ld(2, raw), str(3, ''), str(4, ''));
}

/**
 * ObjectMeta as Go writes it for a new object: every value field present even when empty
 * (name 1 .. resourceVersion 6, generation 7, creationTimestamp 8 as an empty Time),
 * then labels 11 when set.
 */
export function newObjectMeta(name: string, namespace: string, labels: Record<string, string> = {}): number[] {
  return [
    ...str(1, name),
    ...str(2, ''),
    ...str(3, namespace),
    ...str(4, ''),
    ...str(5, ''),
    ...str(6, ''),
    ...vint(7, 0),
    ...ld(8),
    ...Object.entries(labels).flatMap(([k, v]) => entry(11, k, v)),
  ];
}

const TESTDATA = new URL('./testdata/', import.meta.url);

export interface Fixture {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** kubectl's own JSON for the same command (`--dry-run=client -o json`). */
  readonly json: JsonObject;
}

export function loadFixtures(): Fixture[] {
  return readdirSync(TESTDATA)
    .filter((f) => f.endsWith('.bin'))
    .sort()
    .map((f) => ({
      name: f.replace(/\.bin$/, ''),
      bytes: new Uint8Array(readFileSync(new URL(f, TESTDATA))),
      json: JSON.parse(readFileSync(new URL(f.replace(/\.bin$/, '.json'), TESTDATA), 'utf8')) as JsonObject,
    }));
}

export function fixture(name: string): Fixture {
  const f = loadFixtures().find((x) => x.name === name);
  if (!f) throw new Error(`no fixture ${name}`);
  return f;
}

/** Removes `creationTimestamp: null` wherever it occurs (what zeroTime 'omit' does). */
export function withoutNullTimes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNullTimes);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([k, x]) => !(x === null && /Timestamp$|Time$/.test(k)))
      .map(([k, x]) => [k, withoutNullTimes(x)]),
  );
}
