// `ovs-vsctl show` text. Layout and quoting follow ovs-vsctl: the Open_vSwitch row's
// uuid, then each bridge indented 4, ports 8, port columns and interfaces 12, interface
// columns 16, and ovs_version last. Strings are printed bare only when OVSDB's
// string_needs_quotes() says so (lib/ovsdb-data.c): they start with a letter or '_',
// continue with letters, '_', '-' or '.', and are not "true", "false" or a UUID. Hence
// `Port nsx_agent_outer` but `Port "ens192"` in the article.

export interface ShowInterface {
  readonly name: string;
  /** Printed only when not a plain system interface ("internal", "patch", ...). */
  readonly type?: string;
}

export interface ShowPort {
  readonly name: string;
  readonly tag?: number;
  readonly trunks?: readonly number[];
  readonly interfaces: readonly ShowInterface[];
}

export interface ShowBridge {
  readonly name: string;
  readonly ports: readonly ShowPort[];
}

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function ovsdbStringNeedsQuotes(s: string): boolean {
  if (!/^[A-Za-z_][A-Za-z_.-]*$/.test(s)) return true;
  return s === 'true' || s === 'false' || UUID_RE.test(s);
}

export function ovsdbString(s: string): string {
  return ovsdbStringNeedsQuotes(s) ? JSON.stringify(s) : s;
}

export function formatVsctlShow(uuid: string, bridges: readonly ShowBridge[], ovsVersion: string): string {
  const lines = [uuid];
  for (const b of bridges) {
    lines.push(`    Bridge ${ovsdbString(b.name)}`);
    for (const p of b.ports) {
      lines.push(`        Port ${ovsdbString(p.name)}`);
      if (p.tag !== undefined) lines.push(`            tag: ${p.tag}`);
      if (p.trunks !== undefined && p.trunks.length > 0) lines.push(`            trunks: [${p.trunks.join(', ')}]`);
      for (const i of p.interfaces) {
        lines.push(`            Interface ${ovsdbString(i.name)}`);
        if (i.type !== undefined && i.type !== '' && i.type !== 'system') lines.push(`                type: ${ovsdbString(i.type)}`);
      }
    }
  }
  lines.push(`    ovs_version: ${ovsdbString(ovsVersion)}`);
  return lines.join('\n');
}
