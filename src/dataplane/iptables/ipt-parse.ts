// iptables-restore / iptables-save text -> per-table sections:
//   *nat
//   :PREROUTING ACCEPT [0:0]        (built-in chain: policy and counters)
//   :KUBE-SERVICES - [0:0]          (user chain)
//   [12:720] -A KUBE-SERVICES -d 172.30.0.41/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-...
//   COMMIT
// Lines starting with '#' are comments.
import { err, ok, type Result } from '../../core/result.js';
import { parseIptCommand, splitArgv, type IptCommandLine } from './ipt-parse-rule.js';
import { IPT_TABLES, MAX_CHAIN_NAME, type IptTableName } from './ipt-types.js';

export interface IptChainDecl {
  readonly name: string;
  /** undefined for a user chain ("-"). */
  readonly policy: 'ACCEPT' | 'DROP' | undefined;
  readonly packets: number;
  readonly bytes: number;
  readonly line: number;
}

export interface IptOp {
  readonly cmd: IptCommandLine;
  readonly line: number;
  /** `[pkts:bytes]` prefix or `-c pkts bytes`. */
  readonly counters?: readonly [number, number];
}

export interface IptRestoreTable {
  readonly name: IptTableName;
  readonly line: number;
  readonly chains: readonly IptChainDecl[];
  readonly ops: readonly IptOp[];
}

export interface IptParseError {
  readonly line: number;
  readonly message: string;
}

export function parseIptablesRestore(text: string): Result<IptRestoreTable[], IptParseError> {
  const out: IptRestoreTable[] = [];
  let cur: { name: IptTableName; line: number; chains: IptChainDecl[]; ops: IptOp[] } | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fail = (message: string): Result<never, IptParseError> => err({ line: lineNo, message });
    if (line.startsWith('*')) {
      if (cur !== undefined) return fail(`table ${cur.name} not committed before *${line.slice(1)}`);
      const name = line.slice(1);
      if (!(IPT_TABLES as readonly string[]).includes(name)) return fail(`can't initialize iptables table \`${name}': Table does not exist`);
      cur = { name: name as IptTableName, line: lineNo, chains: [], ops: [] };
      continue;
    }
    if (cur === undefined) return fail('no table specified (missing *table line)');
    if (line === 'COMMIT') {
      out.push(cur);
      cur = undefined;
      continue;
    }
    if (line.startsWith(':')) {
      const m = /^:(\S+)\s+(\S+)(?:\s+\[(\d+):(\d+)\])?$/.exec(line);
      if (m === null) return fail(`bad chain line "${line}"`);
      const [, name, pol, p, b] = m;
      if (name!.length > MAX_CHAIN_NAME) return fail(`chain name "${name}" too long`);
      if (pol !== '-' && pol !== 'ACCEPT' && pol !== 'DROP') return fail(`bad policy "${pol}"`);
      cur.chains.push({ name: name!, policy: pol === '-' ? undefined : pol, packets: Number(p ?? 0), bytes: Number(b ?? 0), line: lineNo });
      continue;
    }
    let rest = line;
    let counters: [number, number] | undefined;
    const cm = /^\[(\d+):(\d+)\]\s+/.exec(rest);
    if (cm !== null) {
      counters = [Number(cm[1]), Number(cm[2])];
      rest = rest.slice(cm[0].length);
    }
    const argv = splitArgv(rest);
    if (!argv.ok) return fail(argv.error);
    const cmd = parseIptCommand(argv.value);
    if (!cmd.ok) return fail(cmd.error);
    const c = 'counters' in cmd.value ? cmd.value.counters : undefined;
    const ctr = counters ?? c;
    cur.ops.push(ctr === undefined ? { cmd: cmd.value, line: lineNo } : { cmd: cmd.value, line: lineNo, counters: ctr });
  }
  if (cur !== undefined) return err({ line: lines.length, message: `COMMIT expected for table ${cur.name}` });
  return ok(out);
}
