// OpenFlow port numbers and names. Numbers are OpenFlow 1.0 style 16-bit values with the
// reserved ports at the top, as OVS uses internally (ofp_port_t). A PortMap lets the
// text formats print and accept names (`in_port=ens192`), like `ovs-ofctl --names`.

export const OFPP_MAX = 0xff00;
export const OFPP_IN_PORT = 0xfff8;
export const OFPP_TABLE = 0xfff9;
export const OFPP_NORMAL = 0xfffa;
export const OFPP_FLOOD = 0xfffb;
export const OFPP_ALL = 0xfffc;
export const OFPP_CONTROLLER = 0xfffd;
export const OFPP_LOCAL = 0xfffe;
export const OFPP_NONE = 0xffff;

const RESERVED: ReadonlyArray<readonly [string, number]> = [
  ['IN_PORT', OFPP_IN_PORT],
  ['TABLE', OFPP_TABLE],
  ['NORMAL', OFPP_NORMAL],
  ['FLOOD', OFPP_FLOOD],
  ['ALL', OFPP_ALL],
  ['CONTROLLER', OFPP_CONTROLLER],
  ['LOCAL', OFPP_LOCAL],
  ['ANY', OFPP_NONE],
];
const RESERVED_BY_NUMBER = new Map<number, string>(RESERVED.map(([n, v]) => [v, n]));
const RESERVED_BY_NAME = new Map<string, number>(RESERVED.map(([n, v]) => [n, v]));
RESERVED_BY_NAME.set('NONE', OFPP_NONE);

export interface PortInfo {
  readonly name: string;
  readonly ofport: number;
}

export class PortMap {
  private readonly byName = new Map<string, number>();
  private readonly byNumber = new Map<number, string>();

  constructor(ports: Iterable<PortInfo> = []) {
    for (const p of ports) this.add(p.name, p.ofport);
  }

  add(name: string, ofport: number): void {
    const old = this.byNumber.get(ofport);
    if (old !== undefined) this.byName.delete(old);
    this.byName.set(name, ofport);
    this.byNumber.set(ofport, name);
  }

  remove(ofport: number): void {
    const name = this.byNumber.get(ofport);
    if (name === undefined) return;
    this.byNumber.delete(ofport);
    this.byName.delete(name);
  }

  number(name: string): number | undefined {
    return this.byName.get(name);
  }

  name(ofport: number): string | undefined {
    return this.byNumber.get(ofport);
  }

  /** Port numbers of ordinary ports (not reserved), ascending. */
  ports(): number[] {
    return [...this.byNumber.keys()].filter((p) => p < OFPP_MAX).sort((a, b) => a - b);
  }
}

export const EMPTY_PORT_MAP = new PortMap();

/** ofputil_format_port: reserved name, else mapped name (quoted if needed), else number. */
export function formatPort(port: number, ports: PortMap = EMPTY_PORT_MAP): string {
  const reserved = RESERVED_BY_NUMBER.get(port);
  if (reserved !== undefined) return reserved;
  const name = ports.name(port);
  if (name !== undefined) return /^[A-Za-z0-9_.-]+$/.test(name) && !/^\d+$/.test(name) ? name : JSON.stringify(name);
  return String(port);
}

/** ofputil_port_from_string: number, reserved name (any case), or a mapped (possibly quoted) name. */
export function parsePort(s: string, ports: PortMap = EMPTY_PORT_MAP): number | undefined {
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    return n <= 0xffff ? n : undefined;
  }
  const reserved = RESERVED_BY_NAME.get(s.toUpperCase());
  if (reserved !== undefined) return reserved;
  let name = s;
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) {
    try {
      name = JSON.parse(s) as string;
    } catch {
      return undefined;
    }
  }
  return ports.number(name);
}
