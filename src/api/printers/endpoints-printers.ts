// endpoints: NAME ENDPOINTS AGE            (printers.go printEndpoints, formatEndpoints)
// endpointslices: NAME ADDRESSTYPE PORTS ENDPOINTS AGE (printEndpointSlice, formatDiscovery*)
// Both show at most three entries then " + N more...", e.g.
// `172.25.5.2:80,172.25.5.3:80,172.25.5.4:80 + 1 more...`.
import type { EndpointSlice, Endpoints, KubeObject } from '../types/index.js';
import { DOC } from './column-docs.js';
import { joinHostPort, listWithMore } from './format.js';
import { translateTimestampSince } from './human-duration.js';
import { AGE_COLUMN, NAME_COLUMN, column, type PrintContext, type PrintedRow, type ResourcePrinter } from './table.js';

const MAX_SHOWN = 3;

/**
 * Ready addresses only, one `ip:port` per (port, address) pair, subsets in order; a subset
 * without ports (headless, no ports) lists bare IPs. "<none>" when there are no subsets at all,
 * but "" when subsets exist and hold no ready address (upstream quirk, kept).
 */
export function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  let count = 0;
  let more = false;
  for (const ss of subsets) {
    const addrs = ss.addresses ?? [];
    const ports = ss.ports ?? [];
    if (ports.length === 0) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === MAX_SHOWN) {
          more = true;
          break;
        }
        list.push(a.ip);
      }
      continue;
    }
    for (const p of ports) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === MAX_SHOWN) {
          more = true;
          break;
        }
        list.push(joinHostPort(a.ip, p.port));
      }
    }
  }
  const shown = list.join(',');
  return more ? `${shown} + ${count - MAX_SHOWN} more...` : shown;
}

export function printEndpoints(obj: KubeObject, ctx: PrintContext): PrintedRow {
  const ep = obj as Endpoints;
  return { cells: [ep.metadata.name ?? '', formatEndpoints(ep), translateTimestampSince(ep.metadata.creationTimestamp, ctx.nowMs)] };
}

/** Port numbers, a port's name when it has no number, "*" for an all-ports entry. */
export function formatSlicePorts(slice: EndpointSlice): string {
  return listWithMore((slice.ports ?? []).map((p) => (p.port !== undefined && p.port !== null ? String(p.port) : (p.name ?? '*'))), MAX_SHOWN);
}

/** Every address of every endpoint, ready or not. */
export function formatSliceEndpoints(slice: EndpointSlice): string {
  return listWithMore((slice.endpoints ?? []).flatMap((e) => e.addresses ?? []), MAX_SHOWN);
}

export function printEndpointSlice(obj: KubeObject, ctx: PrintContext): PrintedRow {
  const slice = obj as EndpointSlice;
  return {
    cells: [
      slice.metadata.name ?? '',
      slice.addressType ?? '',
      formatSlicePorts(slice),
      formatSliceEndpoints(slice),
      translateTimestampSince(slice.metadata.creationTimestamp, ctx.nowMs),
    ],
  };
}

export const endpointsPrinter: ResourcePrinter = {
  columns: [NAME_COLUMN, column('Endpoints', 'string', DOC.subsets), AGE_COLUMN],
  row: printEndpoints,
};

export const endpointSlicePrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column('AddressType', 'string', DOC.addressType),
    column('Ports', 'string', DOC.esPorts),
    column('Endpoints', 'string', DOC.esEndpoints),
    AGE_COLUMN,
  ],
  row: printEndpointSlice,
};
