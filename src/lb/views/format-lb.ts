// `get load-balancer <uuid> virtual-servers` / `pools`, in the NSX edge CLI's key : value
// style (our layout: NSX's own differs between releases; fields are the ones its UI shows
// for the article's objects — VIP, port, protocol, pool, members, tags, no monitors).
import type { LbEdge } from '../engine/lb-edge.js';
import type { NsxLbModel, NsxTag } from '../nsx/types.js';
import { nameUuid } from './nsx-ids.js';

const field = (k: string, v: string | number, indent = '') => `${indent}${k.padEnd(18)}: ${v}`;
const tags = (t: readonly NsxTag[]) => t.map((x) => `${x.scope}=${x.tag}`).join(', ');

function lbHeader(m: NsxLbModel): string[] {
  return ['Load Balancer', field('UUID', nameUuid(`lb/${m.loadBalancer.name}`)), field('Display-Name', m.loadBalancer.name), field('Attachment', m.loadBalancer.tier1), field('Size', m.loadBalancer.size), ''];
}

export function formatVirtualServers(model: NsxLbModel): string {
  const out = lbHeader(model);
  if (model.virtualServers.length === 0) return [...out, 'No virtual servers', ''].join('\n');
  for (const v of model.virtualServers) {
    out.push(
      'Virtual Server',
      field('UUID', nameUuid(`vs/${v.name}`), '    '),
      field('Display-Name', v.name, '    '),
      field('IP : Port', `${v.vip}:${v.port}`, '    '),
      field('Protocol', v.protocol, '    '),
      field('Application', v.protocol === 'TCP' ? 'default-tcp-lb-app-profile' : 'default-udp-lb-app-profile', '    '),
      field('Pool', `${v.pool} (${nameUuid(`pool/${v.pool}`)})`, '    '),
      field('Tags', tags(v.tags), '    '),
      '',
    );
  }
  return out.join('\n');
}

/** With `edge`, each member also shows how many connections the LB sent it. */
export function formatPools(model: NsxLbModel, edge?: LbEdge): string {
  const out = lbHeader(model);
  if (model.pools.length === 0) return [...out, 'No pools', ''].join('\n');
  for (const p of model.pools) {
    const conns = new Map<string, number>();
    if (edge !== undefined) {
      for (const v of model.virtualServers.filter((x) => x.pool === p.name)) {
        const lbVs = edge.lb.virtualServers().find((x) => x.name === v.name);
        if (lbVs === undefined) continue;
        for (const [k, n] of edge.lb.memberConnections(lbVs.vip, v.protocol, v.port)) conns.set(k, (conns.get(k) ?? 0) + n);
      }
    }
    out.push(
      'Pool',
      field('UUID', nameUuid(`pool/${p.name}`), '    '),
      field('Display-Name', p.name, '    '),
      field('Algorithm', p.algorithm, '    '),
      field('SNAT', p.snat, '    '),
      field('Health Monitors', p.healthMonitors.length === 0 ? 'none' : p.healthMonitors.join(', '), '    '),
      field('Tags', tags(p.tags), '    '),
      field('Members', p.members.length, '    '),
      ...p.members.map((m) => `        ${`${m.ip}:${m.port}`.padEnd(22)}ENABLED${edge !== undefined ? `  connections=${conns.get(`${m.ip}:${m.port}`) ?? 0}` : ''}${m.pod !== undefined ? `  (${m.pod})` : ''}`),
      '',
    );
  }
  return out.join('\n');
}
