// The flows an NSX node's br-int holds before any Service is programmed: the skeleton of
// the article's `ovs-ofctl dump-flows br-int` without the per-Service lines. Every IP
// packet is tracked in zone 0 (table 0 -> table 1); traffic from the uplink is tracked
// in the NAT zone 65312 with `nat` so replies of proxied connections are un-NATed (table
// 1, priority 90); everything else is switched by NORMAL. The proxy adds its
// `ct_state=+new+trk,...,tp_dst=P actions=group:N` and `-new+trk,nw_dst=VIP` flows to
// table 1 at priority 100 between these.
export const NSX_CT_ZONE = 65312;
export const NSX_COOKIE = '0x7';

/** add-flow texts, in dump order; `uplink` is the uplink Interface name (ens192). */
export function nsxBaseFlows(uplink = 'ens192'): string[] {
  return [
    `cookie=${NSX_COOKIE},table=0,priority=100,ip actions=ct(table=1)`,
    `cookie=${NSX_COOKIE},table=0,priority=0 actions=NORMAL`,
    `cookie=${NSX_COOKIE},table=1,priority=100,ct_state=-trk,ip actions=ct(table=1)`,
    `cookie=${NSX_COOKIE},table=1,priority=90,ip,in_port=${uplink} actions=ct(table=2,zone=${NSX_CT_ZONE},nat)`,
    `cookie=${NSX_COOKIE},table=1,priority=80,ip actions=NORMAL`,
    `cookie=${NSX_COOKIE},table=2 actions=NORMAL`,
  ];
}
