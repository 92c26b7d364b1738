// learn(): builds the flow a learn action installs from the packet being processed
// (OVS lib/learn.c learn_execute). Match specs copy packet bits into the new flow's
// match (or use constants); load specs become `load:` actions carrying the value the
// packet had; output specs become an output to the port number held in a field.
//
// Example (session affinity, ClientIP): in the service's group bucket
//   learn(table=3,hard_timeout=10800,priority=200,eth_type=0x800,nw_proto=6,
//         NXM_OF_IP_SRC[],NXM_OF_IP_DST[],NXM_OF_TCP_DST[],load:NXM_NX_REG1[]->NXM_NX_REG1[])
// installs in table 3 "tcp,nw_src=<client>,nw_dst=<vip>,tp_dst=<port> actions=load:<backend id>->NXM_NX_REG1[]".
import type { FlowKey } from '../flow-key.js';
import type { Action, LearnAction } from './actions.js';
import { readSubField } from './fields.js';
import { flowSpec, type FlowSpec } from './flow.js';
import { Match, matchSetField } from './match.js';

export function buildLearnedFlow(a: LearnAction, key: FlowKey): FlowSpec {
  let match = Match.catchAll();
  const actions: Action[] = [];
  for (const spec of a.specs) {
    switch (spec.kind) {
      case 'match':
      case 'match-imm': {
        const v = spec.kind === 'match' ? readSubField(key, spec.src) : spec.value;
        const d = spec.dst;
        const mask = ((1n << BigInt(d.nBits)) - 1n) << BigInt(d.ofs);
        match = matchSetField(match, d.field, v << BigInt(d.ofs), mask);
        break;
      }
      case 'load':
        actions.push({ type: 'load', dst: spec.dst, value: readSubField(key, spec.src) });
        break;
      case 'load-imm':
        actions.push({ type: 'load', dst: spec.dst, value: spec.value });
        break;
      case 'output':
        actions.push({ type: 'output', port: Number(readSubField(key, spec.src)) });
        break;
    }
  }
  return flowSpec({
    table: a.table,
    priority: a.priority,
    cookie: a.cookie,
    idleTimeout: a.idleTimeout,
    hardTimeout: a.hardTimeout,
    flags: a.sendFlowRem ? { sendFlowRem: true } : {},
    match,
    actions,
  });
}
