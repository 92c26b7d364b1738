// Generators for kube-proxy style rulesets of N ClusterIP services (2 endpoints each),
// in nftables (`nft -f` commands) and iptables-restore form, for the netfilter bench.
// Service i: ClusterIP 172.30.(i>>8).(i&255):80/tcp -> endpoints number 2i+1 and 2i+2 counted up from 10.128.0.0, port 80.

export interface ServiceSpec {
  readonly vip: string;
  readonly endpoints: readonly string[];
}

export function services(n: number): ServiceSpec[] {
  const out: ServiceSpec[] = [];
  for (let i = 0; i < n; i++) {
    const vip = `172.30.${i >> 8}.${i & 255}`;
    const ep = (n: number): string => `10.${128 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
    out.push({ vip, endpoints: [ep(2 * i + 1), ep(2 * i + 2)] });
  }
  return out;
}

export function nftRuleset(svcs: readonly ServiceSpec[]): string {
  const l: string[] = [
    'add table ip kube-proxy { comment "rules for kube-proxy" ; }',
    'add set ip kube-proxy cluster-ips { type ipv4_addr ; comment "Active ClusterIPs" ; }',
    'add map ip kube-proxy no-endpoint-services { type ipv4_addr . inet_proto . inet_service : verdict ; }',
    'add map ip kube-proxy service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; }',
    'add map ip kube-proxy service-nodeports { type inet_proto . inet_service : verdict ; }',
    'add chain ip kube-proxy cluster-ips-check',
    'add chain ip kube-proxy filter-forward { type filter hook forward priority 0 ; }',
    'add chain ip kube-proxy mark-for-masquerade',
    'add chain ip kube-proxy masquerading',
    'add chain ip kube-proxy nat-postrouting { type nat hook postrouting priority 100 ; }',
    'add chain ip kube-proxy nat-prerouting { type nat hook prerouting priority -100 ; }',
    'add chain ip kube-proxy reject-chain',
    'add chain ip kube-proxy services',
    'add chain ip kube-proxy service-endpoints-check',
    'add rule ip kube-proxy cluster-ips-check ip daddr @cluster-ips reject',
    'add rule ip kube-proxy cluster-ips-check ip daddr { 172.30.0.0/16 } drop',
    'add rule ip kube-proxy filter-forward ct state new jump service-endpoints-check',
    'add rule ip kube-proxy filter-forward ct state new jump cluster-ips-check',
    'add rule ip kube-proxy mark-for-masquerade mark set mark or 0x4000',
    'add rule ip kube-proxy masquerading mark and 0x4000 == 0 return',
    'add rule ip kube-proxy masquerading mark set mark xor 0x4000',
    'add rule ip kube-proxy masquerading masquerade fully-random',
    'add rule ip kube-proxy nat-postrouting jump masquerading',
    'add rule ip kube-proxy nat-prerouting jump services',
    'add rule ip kube-proxy reject-chain reject',
    'add rule ip kube-proxy services ip daddr . meta l4proto . th dport vmap @service-ips',
    'add rule ip kube-proxy services fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports',
    'add rule ip kube-proxy service-endpoints-check ip daddr . meta l4proto . th dport vmap @no-endpoint-services',
  ];
  svcs.forEach((s, i) => {
    const svc = `service-S${i}-ns/svc${i}/tcp/p80`;
    const eps = s.endpoints.map((e) => `endpoint-E${i}-ns/svc${i}/tcp/p80__${e}/80`);
    l.push(`add chain ip kube-proxy ${svc}`);
    for (const ep of eps) l.push(`add chain ip kube-proxy ${ep}`);
    l.push(`add rule ip kube-proxy ${svc} ip daddr ${s.vip} ip saddr != 10.0.0.0/8 jump mark-for-masquerade`);
    l.push(`add rule ip kube-proxy ${svc} numgen random mod ${eps.length} vmap { ${eps.map((ep, j) => `${j} : goto ${ep}`).join(' , ')} }`);
    eps.forEach((ep, j) => {
      l.push(`add rule ip kube-proxy ${ep} ip saddr ${s.endpoints[j]} jump mark-for-masquerade`);
      l.push(`add rule ip kube-proxy ${ep} meta l4proto tcp dnat to ${s.endpoints[j]}:80`);
    });
    l.push(`add element ip kube-proxy cluster-ips { ${s.vip} }`);
    l.push(`add element ip kube-proxy service-ips { ${s.vip} . tcp . 80 : goto ${svc} }`);
  });
  return `${l.join('\n')}\n`;
}

export function iptablesRuleset(svcs: readonly ServiceSpec[]): string {
  const chains = [':KUBE-SERVICES - [0:0]', ':KUBE-MARK-MASQ - [0:0]', ':KUBE-POSTROUTING - [0:0]'];
  const rules = [
    '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
    '-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000',
    '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
    '-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000',
    '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
  ];
  const tail: string[] = [];
  svcs.forEach((s, i) => {
    const svc = `KUBE-SVC-${String(i).padStart(16, '0')}`;
    chains.push(`:${svc} - [0:0]`);
    rules.push(`-A KUBE-SERVICES -m comment --comment "ns/svc${i}:p80 cluster IP" -m tcp -p tcp -d ${s.vip} --dport 80 -j ${svc}`);
    tail.push(`-A ${svc} -m comment --comment "ns/svc${i}:p80 cluster IP" -m tcp -p tcp -d ${s.vip} --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ`);
    s.endpoints.forEach((e, j) => {
      const sep = `KUBE-SEP-${String(i).padStart(14, '0')}E${j}`;
      chains.push(`:${sep} - [0:0]`);
      const prob = j < s.endpoints.length - 1 ? ` -m statistic --mode random --probability ${(1 / (s.endpoints.length - j)).toFixed(10)}` : '';
      tail.push(`-A ${svc} -m comment --comment "ns/svc${i}:p80 -> ${e}:80"${prob} -j ${sep}`);
      tail.push(`-A ${sep} -m comment --comment ns/svc${i}:p80 -s ${e} -j KUBE-MARK-MASQ`);
      tail.push(`-A ${sep} -m comment --comment ns/svc${i}:p80 -m tcp -p tcp -j DNAT --to-destination ${e}:80`);
    });
  });
  rules.push('-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS');
  chains.push(':KUBE-NODEPORTS - [0:0]');
  return ['*nat', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', ...chains, ...rules, ...tail, 'COMMIT', ''].join('\n');
}
