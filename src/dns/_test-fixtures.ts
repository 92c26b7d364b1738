// Test-only: a small cluster modelled on CoreDNS's kubernetes handler tests, and helpers
// to ask questions through the real wire format (dns-packet encodes the query and
// decodes our response).
import { decode, encode, RECURSION_DESIRED, type Answer, type DecodedPacket, type Question, type RecordType } from 'dns-packet';
import { FakeClock } from '../core/index.js';
import { DnsIndex } from './cluster-index.js';
import type { DnsEndpoint, DnsEndpointSlice, DnsPort, DnsService } from './model.js';
import type { DnsHandler, HandleContext } from './query-handler.js';

export const http: DnsPort = { name: 'http', protocol: 'TCP', port: 80 };

export function clusterIP(namespace: string, name: string, ips: string[], ports: DnsPort[] = [http]): DnsService {
  return { namespace, name, kind: { type: 'ClusterIP', clusterIPs: ips }, ports };
}
export function headless(namespace: string, name: string, ports: DnsPort[] = [http]): DnsService {
  return { namespace, name, kind: { type: 'Headless' }, ports };
}
export function externalName(namespace: string, name: string, target: string): DnsService {
  return { namespace, name, kind: { type: 'ExternalName', externalName: target }, ports: [] };
}
export function ep(addr: string, extra: Partial<DnsEndpoint> = {}): DnsEndpoint {
  return { addresses: [addr], ready: true, ...extra };
}
export function slice(namespace: string, name: string, serviceName: string, endpoints: DnsEndpoint[], ports: DnsPort[] = [http], addressType: 'IPv4' | 'IPv6' = 'IPv4'): DnsEndpointSlice {
  return { namespace, name, serviceName, addressType, ports, endpoints };
}

/** 2026-01-01T00:00:00Z: the SOA serial of an index built at the fake clock's start. */
export const SERIAL = 1767225600;

export function testIndex(clock = new FakeClock()): DnsIndex {
  const ix = new DnsIndex(clock);
  for (const ns of ['testns', 'kube-system', 'default', 'empty-ns']) ix.upsertNamespace(ns);
  ix.upsertService(clusterIP('testns', 'svc1', ['10.0.0.1']));
  ix.upsertSlice(slice('testns', 'svc1-abc', 'svc1', [ep('10.1.0.1')]));
  ix.upsertService(clusterIP('testns', 'svcempty', ['10.0.0.2']));
  ix.upsertService(clusterIP('testns', 'svc6', ['1234:abcd::1']));
  ix.upsertService(clusterIP('testns', 'svc-dual-stack', ['10.0.0.3', '10::3']));
  ix.upsertService(
    clusterIP('testns', 'multiport', ['10.0.0.4'], [http, { name: 'https', protocol: 'TCP', port: 443 }, { name: 'dns', protocol: 'UDP', port: 53 }, { name: '', protocol: 'TCP', port: 8080 }]),
  );
  ix.upsertService(headless('testns', 'hdls1'));
  ix.upsertSlice(
    slice('testns', 'hdls1-v4', 'hdls1', [
      ep('172.0.0.2'),
      ep('172.0.0.3'),
      ep('172.0.0.4', { hostname: 'dup-name' }),
      ep('172.0.0.5', { hostname: 'dup-name' }),
      ep('172.0.0.9', { ready: false }),
    ]),
  );
  ix.upsertSlice(slice('testns', 'hdls1-v6', 'hdls1', [ep('5678:abcd::1'), ep('5678:abcd::2')], [http], 'IPv6'));
  ix.upsertService(headless('testns', 'hdlsprtls', []));
  ix.upsertSlice(slice('testns', 'hdlsprtls-x', 'hdlsprtls', [ep('172.0.0.20')], []));
  ix.upsertService(headless('testns', 'hdlsempty'));
  ix.upsertSlice(slice('testns', 'hdlsempty-x', 'hdlsempty', [ep('172.0.0.30', { ready: false })]));
  ix.upsertService(externalName('testns', 'external', 'ext.interwebs.test'));
  ix.upsertService(externalName('testns', 'external-to-service', 'svc1.testns.svc.cluster.local'));
  ix.upsertService(externalName('testns', 'loop-a', 'loop-b.testns.svc.cluster.local'));
  ix.upsertService(externalName('testns', 'loop-b', 'loop-a.testns.svc.cluster.local'));
  ix.upsertService(externalName('testns', 'to-nowhere', 'nope.testns.svc.cluster.local'));
  const many: DnsEndpoint[] = [];
  for (let i = 1; i <= 60; i++) many.push(ep(`172.1.0.${i}`));
  ix.upsertService(headless('testns', 'many'));
  ix.upsertSlice(slice('testns', 'many-x', 'many', many));
  const dnsPorts: DnsPort[] = [
    { name: 'dns', protocol: 'UDP', port: 53 },
    { name: 'dns-tcp', protocol: 'TCP', port: 53 },
    { name: 'metrics', protocol: 'TCP', port: 9153 },
  ];
  ix.upsertService(clusterIP('kube-system', 'kube-dns', ['10.96.0.10'], dnsPorts));
  ix.upsertSlice(slice('kube-system', 'kube-dns-x', 'kube-dns', [ep('172.17.0.10')], dnsPorts));
  ix.upsertPod({ namespace: 'testns', name: 'p1', ips: ['172.0.0.2'] });
  ix.setSynced(true);
  return ix;
}

let nextId = 1;

export interface AskOptions {
  readonly edns?: number;
  readonly do?: boolean;
  readonly klass?: 'IN' | 'CH' | 'ANY';
  readonly ctx?: HandleContext;
}

/** A decoded response with every section present (dns-packet's typings leave them optional). */
export interface Reply {
  readonly id: number;
  readonly rcode: string;
  readonly flag_aa: boolean;
  readonly flag_tc: boolean;
  readonly flag_rd: boolean;
  readonly flag_ra: boolean;
  readonly flag_cd: boolean;
  readonly questions: readonly Question[];
  readonly answers: readonly Answer[];
  readonly authorities: readonly Answer[];
  readonly additionals: readonly Answer[];
}

export function decodeReply(bytes: Buffer): Reply {
  const d = decode(bytes) as DecodedPacket & { rcode: string; flag_cd: boolean };
  return {
    id: d.id ?? 0,
    rcode: d.rcode,
    flag_aa: d.flag_aa,
    flag_tc: d.flag_tc,
    flag_rd: d.flag_rd,
    flag_ra: d.flag_ra,
    flag_cd: d.flag_cd,
    questions: d.questions ?? [],
    answers: d.answers ?? [],
    authorities: d.authorities ?? [],
    additionals: d.additionals ?? [],
  };
}

export async function ask(h: DnsHandler, name: string, type: RecordType | 'ANY', opts: AskOptions = {}): Promise<{ packet: Reply; bytes: Buffer }> {
  const id = nextId++ & 0xffff;
  const query = encode({
    type: 'query',
    id,
    flags: RECURSION_DESIRED,
    questions: [{ name, type: type as RecordType, class: opts.klass ?? 'IN' }],
    ...(opts.edns !== undefined ? { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: opts.edns, flags: opts.do === true ? 0x8000 : 0 } as unknown as Answer] } : {}),
  });
  const bytes = await h.handle(query, opts.ctx ?? { transport: 'udp' });
  if (bytes === undefined) throw new Error(`no response for ${name} ${type}`);
  const packet = decodeReply(bytes);
  if (packet.id !== id) throw new Error(`response id ${packet.id} != ${id}`);
  return { packet, bytes };
}

/** One line per record, in zone-file style: `name. ttl IN TYPE data`. */
export function rrText(a: Answer): string {
  if (a.type === 'OPT') return `. OPT ${a.udpPayloadSize}`;
  const head = `${a.name}. ${a.ttl ?? 0} IN ${a.type}`;
  switch (a.type) {
    case 'A':
    case 'AAAA':
      return `${head} ${a.data}`;
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return `${head} ${a.data}.`;
    case 'SRV':
      return `${head} ${a.data.priority ?? 0} ${a.data.weight ?? 0} ${a.data.port} ${a.data.target}.`;
    case 'TXT': {
      const d = a.data;
      const parts = Array.isArray(d) ? d : [d];
      return `${head} ${parts.map((p) => `"${p.toString()}"`).join(' ')}`;
    }
    case 'SOA':
      return `${head} ${a.data.mname}. ${a.data.rname}. ${a.data.serial} ${a.data.refresh} ${a.data.retry} ${a.data.expire} ${a.data.minimum}`;
    default:
      return `${head} ?`;
  }
}

export const soaLine = (zone = 'cluster.local', serial = SERIAL): string => `${zone}. 5 IN SOA ns.dns.${zone}. hostmaster.${zone}. ${serial} 7200 1800 86400 5`;
