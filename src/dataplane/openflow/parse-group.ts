// Parser for `ovs-ofctl add-group/mod-group` syntax and `dump-groups` lines:
// `group_id=6,type=select,bucket=bucket_id:0,weight:100,actions=ct(...),bucket=...`.
// Like OVS (parse_ofp_group_mod_str__), the text is cut at each "bucket=".
import { err, ok, type Result } from '../../core/result.js';
import type { Action } from './actions.js';
import type { GroupMod } from './bridge-program.js';
import { OFPG_ALL } from './bridge-program.js';
import { groupSpec, type BucketInit, type GroupSpec, type GroupType } from './group.js';
import { parseActions } from './parse-actions.js';
import { parsePort, type PortMap } from './port-map.js';
import { parseKeyValues } from './text-tokens.js';
import { parseUintN } from './values.js';

const TYPES: Readonly<Record<string, GroupType>> = { all: 'all', select: 'select', indirect: 'indirect', ff: 'ff', fast_failover: 'ff' };

export function parseGroup(text: string, opts: { readonly ports?: PortMap } = {}): Result<GroupSpec> {
  const parts = text.split('bucket=');
  const head = parts[0] ?? '';
  let groupId: number | undefined;
  let type: GroupType = 'all';
  let selectionMethod: string | undefined;
  for (const { key, value } of parseKeyValues(head)) {
    if (key === 'group_id') {
      const g = parseUintN(value, 32);
      if (g === undefined) return err(`group_id: bad value "${value}"`);
      groupId = g;
    } else if (key === 'type') {
      const t = TYPES[value];
      if (t === undefined) return err(`type: unknown group type "${value}"`);
      type = t;
    } else if (key === 'selection_method') {
      selectionMethod = value;
    } else if (key === 'selection_method_param' || key === 'fields') {
      return err(`${key} is not supported`);
    } else return err(`unknown keyword ${key}`);
  }
  if (groupId === undefined) return err('must specify a group_id');
  const buckets: BucketInit[] = [];
  for (const b of parts.slice(1)) {
    const r = parseBucket(b, opts.ports);
    if (!r.ok) return r;
    buckets.push(r.value);
  }
  const spec = groupSpec(groupId, type, buckets);
  return ok(selectionMethod !== undefined ? { ...spec, selectionMethod } : spec);
}

function parseBucket(text: string, ports?: PortMap): Result<BucketInit> {
  const at = text.search(/(^|[,\s])actions?=/);
  const head = at === -1 ? text : text.slice(0, at);
  const actionText = at === -1 ? '' : text.slice(text.indexOf('=', at) + 1);
  let bucketId: number | undefined;
  let weight: number | undefined;
  let watchPort: number | undefined;
  let watchGroup: number | undefined;
  const legacy: string[] = [];
  for (const { key, value, delim } of parseKeyValues(head)) {
    const k = key.toLowerCase();
    if (k === 'bucket_id') {
      const id = parseUintN(value, 32);
      if (id === undefined) return err(`bucket_id: bad value "${value}"`);
      bucketId = id;
    } else if (k === 'weight') {
      weight = parseUintN(value, 16);
      if (weight === undefined) return err(`weight: bad value "${value}"`);
    } else if (k === 'watch_port') {
      watchPort = parsePort(value, ports);
      if (watchPort === undefined) return err(`watch_port: unknown port "${value}"`);
    } else if (k === 'watch_group') {
      watchGroup = parseUintN(value, 32);
      if (watchGroup === undefined) return err(`watch_group: bad value "${value}"`);
    } else {
      legacy.push(delim === '' ? key : delim === '(' ? `${key}(${value})` : `${key}${delim}${value}`);
    }
  }
  const all = [...legacy, actionText.replace(/,\s*$/, '')].filter((s) => s !== '').join(',');
  let actions: Action[] = [];
  if (all !== '') {
    const a = parseActions(all, ports);
    if (!a.ok) return a;
    actions = a.value;
  }
  return ok({
    actions,
    ...(bucketId !== undefined ? { bucketId } : {}),
    ...(weight !== undefined ? { weight } : {}),
    ...(watchPort !== undefined ? { watchPort } : {}),
    ...(watchGroup !== undefined ? { watchGroup } : {}),
  });
}

/** ovs-ofctl add-group / mod-group / del-groups argument. */
export function parseGroupMod(
  command: 'add' | 'modify' | 'add-or-modify' | 'delete',
  text: string,
  opts: { readonly ports?: PortMap } = {},
): Result<GroupMod> {
  if (command === 'delete') {
    if (text.trim() === '') return ok({ command: 'delete', groupId: OFPG_ALL });
    const kv = parseKeyValues(text).find((x) => x.key === 'group_id');
    if (kv === undefined) return err('must specify a group_id');
    if (kv.value === 'all') return ok({ command: 'delete', groupId: OFPG_ALL });
    const g = parseUintN(kv.value, 32);
    return g === undefined ? err(`group_id: bad value "${kv.value}"`) : ok({ command: 'delete', groupId: g });
  }
  const g = parseGroup(text, opts);
  return g.ok ? ok({ command, group: g.value }) : g;
}
