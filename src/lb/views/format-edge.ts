// `get logical-router` and `vrf <n>` + `get interfaces` in the NSX edge CLI's layout
// (column widths, field names and order as in the article's edge1 output).
import { err, ok, type Result } from '../../core/result.js';
import type { NsxLab } from '../../dataplane/fabric/nsx-lab.js';
import { edgeLogicalRouters, type EdgeInterface, type EdgeLogicalRouter, type EdgeViewOptions } from './edge-routers.js';
import { cliName, formatMacColon, nameUuid } from './nsx-ids.js';

const HEADER = ['UUID'.padEnd(39), 'VRF'.padEnd(7), 'LR-ID'.padEnd(7), 'Name'.padEnd(34), 'Type'];

function row(r: EdgeLogicalRouter, withPorts: boolean): string {
  const cells = [r.uuid.padEnd(39), String(r.vrf).padEnd(7), String(r.lrId).padEnd(7), cliName(r.name).padEnd(34), withPorts ? r.type.padEnd(28) : r.type];
  return (withPorts ? cells.join('') + String(r.ports) : cells.join('')).trimEnd();
}

/** `edge1> get logical-router` */
export function formatLogicalRouters(lab: NsxLab, o: EdgeViewOptions = {}): string {
  const rows = edgeLogicalRouters(lab, o);
  return ['Logical Router', [...HEADER.slice(0, 4), 'Type'.padEnd(28), 'Ports'].join(''), ...rows.map((r) => row(r, true))].join('\n') + '\n';
}

export type VrfError = { readonly code: 'no-such-vrf'; readonly vrf: number; readonly known: readonly number[] };

/**
 * `edge1> vrf <n>` then `get interfaces`: the router in that VRF; for a service router
 * the DR of the same logical router is shown first, as the article's vrf 11 output does.
 */
export function formatVrfInterfaces(lab: NsxLab, vrf: number, o: EdgeViewOptions = {}): Result<string, VrfError> {
  const rows = edgeLogicalRouters(lab, o);
  const target = rows.find((r) => r.vrf === vrf);
  if (target === undefined) return err({ code: 'no-such-vrf', vrf, known: rows.map((r) => r.vrf) });
  const blocks = target.type.startsWith('SERVICE_ROUTER') ? rows.filter((r) => r.logicalRouter === target.logicalRouter && r.type.startsWith('DISTRIBUTED')).concat(target) : [target];
  const ifuids = ifuidMap(rows);
  const vnis = vniMap(rows);
  const text = blocks.map((r) => {
    const ifs = r.interfaces.map((i, k) => formatInterface(r, i, ifuids.get(`${r.vrf}/${k}`) ?? 0, vnis));
    return ['Logical Router', HEADER.join(''), row(r, false), 'Interfaces', ifs.join('\n\n')].join('\n');
  });
  return ok(text.join('\n\n') + '\n\n');
}

/** Interface ids numbered across the edge in VRF order, from 256 (stable for a topology). */
function ifuidMap(rows: readonly EdgeLogicalRouter[]): Map<string, number> {
  const m = new Map<string, number>();
  let n = 256;
  for (const r of rows) r.interfaces.forEach((_i, k) => m.set(`${r.vrf}/${k}`, n++));
  return m;
}

/** One VNI per segment (a backplane shared by a DR and its SR has one), in first-seen order. */
function vniMap(rows: readonly EdgeLogicalRouter[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) for (const i of r.interfaces) if (i.mode === 'lif' && !m.has(i.segment)) m.set(i.segment, 67584 + m.size);
  return m;
}

const field = (k: string, v: string | number) => `    ${k.padEnd(14)}: ${v}`;

function formatInterface(r: EdgeLogicalRouter, i: EdgeInterface, ifuid: number, vnis: Map<string, number>): string {
  const id = nameUuid(`if/${r.name}/${i.mode}/${i.mode === 'lif' ? i.name : ''}`);
  const lines = [field('Interface', id), field('Ifuid', ifuid)];
  switch (i.mode) {
    case 'lif':
      lines.push(
        field('Name', i.name),
        field('Mode', 'lif'),
        field('IP/Mask', i.ipMask),
        field('MAC', formatMacColon(i.mac)),
        field('VNI', vnis.get(i.segment) ?? 0),
        field('LS port', nameUuid(`lsp/${r.name}/${i.name}`)),
        field('Urpf-mode', i.urpf),
        field('Admin', 'up'),
        field('Op_state', 'up'),
        field('MTU', 1442),
      );
      break;
    case 'loopback':
      lines.push(field('Mode', 'loopback'), field('IP/Mask', i.ipMask));
      break;
    default:
      lines.push(field('Mode', i.mode));
  }
  return lines.join('\n');
}
