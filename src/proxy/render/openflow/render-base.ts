// The flows br-int holds whatever the Services: the article's skeleton of tables 0-2.
import { flowSpec, matchOf, type FlowSpec } from '../../../dataplane/openflow/index.js';
import {
  NAT_EXISTING,
  NORMAL,
  NSX_COOKIE,
  PRIO_DEFAULT,
  PRIO_SERVICE,
  PRIO_TABLE2_DEFAULT,
  PRIO_UPLINK,
  TABLE_CLASSIFY,
  TABLE_OUTPUT,
  TABLE_SERVICES,
  ct,
} from './layout.js';
import { BASE_FRAGMENT, type OpenFlowFragment } from './program.js';
import { CT_TRK } from '../../../dataplane/flow-key.js';

export interface UplinkPort {
  /** Interface name, as `in_port=` prints it (ens192). */
  readonly name: string;
  readonly ofport: number;
}

export function renderBase(uplink: UplinkPort): OpenFlowFragment {
  const f = (table: number, priority: number, match: ReturnType<typeof matchOf>, actions: FlowSpec['actions']) =>
    flowSpec({ table, priority, cookie: NSX_COOKIE, match: match.build(), actions });
  return {
    key: BASE_FRAGMENT,
    flows: [
      // Every IP packet is tracked (zone 0) before classification.
      f(TABLE_CLASSIFY, 100, matchOf().ip(), [ct({ table: TABLE_SERVICES })]),
      f(TABLE_CLASSIFY, 0, matchOf(), [NORMAL]),
      // A packet recirculated without tracking (should not happen) is tracked again.
      f(TABLE_SERVICES, PRIO_SERVICE, matchOf().ctState(0, CT_TRK).ip(), [ct({ table: TABLE_SERVICES })]),
      // Replies of proxied connections come back through the uplink: un-DNAT them.
      f(TABLE_SERVICES, PRIO_UPLINK, matchOf().ip().inPort(uplink.ofport), [NAT_EXISTING]),
      f(TABLE_SERVICES, PRIO_DEFAULT, matchOf().ip(), [NORMAL]),
      f(TABLE_OUTPUT, PRIO_TABLE2_DEFAULT, matchOf(), [NORMAL]),
    ],
    groups: [],
    learned: [],
  };
}
