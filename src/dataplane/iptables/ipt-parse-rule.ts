// One iptables command line (as iptables-restore reads it) -> a typed command. Option
// ownership follows iptables: before -j, a module option belongs to the latest loaded
// match that knows it (`--dport` after `-p tcp` loads the tcp match implicitly, as
// iptables does); after -j, options belong to the target. `!` negates the next option.
import { err, ok, type Result } from '../../core/result.js';
import { finishMatch, finishTarget, matchOption, MATCH_OPTS, MATCHES, targetOption, type Draft } from './ipt-parse-modules.js';
import { chainName, fail, parseAddr, parseNumber, ParseFail } from './ipt-parse-values.js';
import { PROTO_NAMES, type IptAddr, type IptRuleSpec } from './ipt-types.js';

export type IptCommandLine =
  | { readonly op: 'append'; readonly chain: string; readonly rule: IptRuleSpec; readonly counters?: readonly [number, number] }
  | { readonly op: 'insert'; readonly chain: string; readonly index: number; readonly rule: IptRuleSpec; readonly counters?: readonly [number, number] }
  | { readonly op: 'replace'; readonly chain: string; readonly index: number; readonly rule: IptRuleSpec }
  | { readonly op: 'delete'; readonly chain: string; readonly index?: number; readonly rule?: IptRuleSpec }
  | { readonly op: 'new-chain'; readonly chain: string }
  | { readonly op: 'delete-chain' | 'flush' | 'zero'; readonly chain?: string }
  | { readonly op: 'policy'; readonly chain: string; readonly policy: 'ACCEPT' | 'DROP' };

/** Splits a line into words; double or single quotes group, backslash escapes inside quotes. */
export function splitArgv(line: string): Result<string[]> {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let q: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q !== undefined) {
      if (c === '\\' && i + 1 < line.length && (line[i + 1] === q || line[i + 1] === '\\')) cur += line[++i];
      else if (c === q) q = undefined;
      else cur += c;
    } else if (c === '"' || c === "'") {
      q = c;
      has = true;
    } else if (c === ' ' || c === '\t') {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (q !== undefined) return err('unterminated quoted string');
  if (has) out.push(cur);
  return ok(out);
}

/** Parses one command line (without the optional leading `[pkts:bytes]`). */
export function parseIptCommand(argv: readonly string[]): Result<IptCommandLine> {
  try {
    return ok(parseCommand(argv));
  } catch (e) {
    if (e instanceof ParseFail) return err(e.message);
    throw e;
  }
}

function parseCommand(argv: readonly string[]): IptCommandLine {
  let op: IptCommandLine['op'] | undefined;
  let chain: string | undefined;
  let index: number | undefined;
  let policy: string | undefined;
  let counters: [number, number] | undefined;
  const rule: { src?: IptAddr; dst?: IptAddr; in?: { name: string; neg: boolean }; out?: { name: string; neg: boolean }; proto?: { proto: number; neg: boolean } } = {};
  const drafts: Draft[] = [];
  let target: { name: string; goto: boolean; o: Record<string, unknown> } | undefined;
  let neg = false;
  let ruleOpts = 0;
  const takeNeg = (): boolean => {
    const n = neg;
    neg = false;
    return n;
  };
  const optNum = (i: number): number | undefined => (argv[i] !== undefined && /^\d+$/.test(argv[i]!) ? Number(argv[i]) : undefined);
  let i = 0;
  const val = (): string | undefined => argv[++i];
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '!') {
      neg = true;
      continue;
    }
    switch (a) {
      case '-A':
      case '--append':
      case '-I':
      case '--insert':
      case '-R':
      case '--replace':
      case '-D':
      case '--delete':
      case '-N':
      case '--new-chain':
      case '-X':
      case '--delete-chain':
      case '-F':
      case '--flush':
      case '-Z':
      case '--zero':
      case '-P':
      case '--policy': {
        if (op !== undefined) fail('only one command per line');
        const letter = a.length === 2 ? a[1]! : ({ append: 'A', insert: 'I', replace: 'R', delete: 'D', 'new-chain': 'N', 'delete-chain': 'X', flush: 'F', zero: 'Z', policy: 'P' } as Record<string, string>)[a.slice(2)]!;
        op = ({ A: 'append', I: 'insert', R: 'replace', D: 'delete', N: 'new-chain', X: 'delete-chain', F: 'flush', Z: 'zero', P: 'policy' } as const)[letter as 'A'];
        const optionalChain = letter === 'X' || letter === 'F' || letter === 'Z';
        if (optionalChain && (argv[i + 1] === undefined || argv[i + 1]!.startsWith('-'))) break;
        chain = chainName(val());
        if (letter === 'I' || letter === 'R' || letter === 'D') {
          const n = optNum(i + 1);
          if (n !== undefined) {
            index = n;
            i++;
          } else if (letter === 'R') fail('-R needs a rule number');
        }
        if (letter === 'P') policy = val();
        break;
      }
      case '-s':
      case '--source':
        rule.src = parseAddr(val(), takeNeg());
        ruleOpts++;
        break;
      case '-d':
      case '--destination':
        rule.dst = parseAddr(val(), takeNeg());
        ruleOpts++;
        break;
      case '-i':
      case '--in-interface':
      case '-o':
      case '--out-interface': {
        const name = val();
        if (name === undefined || name === '') fail('missing interface name');
        if (a === '-i' || a === '--in-interface') rule.in = { name, neg: takeNeg() };
        else rule.out = { name, neg: takeNeg() };
        ruleOpts++;
        break;
      }
      case '-p':
      case '--protocol': {
        const p = val();
        const n = p === undefined ? undefined : (PROTO_NAMES[p.toLowerCase()] ?? (/^\d+$/.test(p) ? Number(p) : undefined));
        if (n === undefined) fail(`unknown protocol "${p}" specified`);
        rule.proto = { proto: n, neg: takeNeg() };
        ruleOpts++;
        break;
      }
      case '-m':
      case '--match': {
        const m = val();
        if (m === undefined) fail('missing match name');
        if (!MATCHES.has(m)) fail(`Couldn't load match \`${m}'`);
        drafts.push({ m, o: {} });
        ruleOpts++;
        break;
      }
      case '-j':
      case '--jump':
      case '-g':
      case '--goto': {
        const t = val();
        if (t === undefined) fail('missing target');
        target = { name: t, goto: a === '-g' || a === '--goto', o: {} };
        ruleOpts++;
        break;
      }
      case '-c':
      case '--set-counters':
        counters = [parseNumber(val(), 'counters'), parseNumber(val(), 'counters')];
        break;
      case '-f':
      case '--fragment':
        fail('fragment matching is not supported');
      default: {
        if (!a.startsWith('--')) fail(`Bad argument \`${a}'`);
        const opt = a.slice(2);
        const n = takeNeg();
        if (target !== undefined) {
          targetOption(target, opt, val, n);
          break;
        }
        let owner: Draft | undefined;
        for (let d = drafts.length - 1; d >= 0 && owner === undefined; d--) if (MATCH_OPTS[drafts[d]!.m]?.has(opt)) owner = drafts[d];
        if (owner === undefined && (opt === 'dport' || opt === 'sport' || opt === 'destination-port' || opt === 'source-port' || opt === 'icmp-type')) {
          const p = rule.proto?.proto;
          const implicit = p === 6 ? 'tcp' : p === 17 ? 'udp' : p === 132 ? 'sctp' : p === 1 ? 'icmp' : undefined;
          if (implicit === undefined) fail(`unknown option "${a}"`);
          owner = { m: implicit, o: {} };
          drafts.push(owner);
        }
        if (owner === undefined) fail(`unknown option "${a}"`);
        matchOption(owner, opt, val, n);
      }
    }
  }
  if (neg) fail('"!" without an option');
  if (op === undefined) fail('no command specified');
  const spec = (): IptRuleSpec => finishRule(rule, drafts, target);
  switch (op) {
    case 'append':
      return counters === undefined ? { op, chain: chain!, rule: spec() } : { op, chain: chain!, rule: spec(), counters };
    case 'insert':
      return { op, chain: chain!, index: index ?? 1, rule: spec(), ...(counters !== undefined ? { counters } : {}) };
    case 'replace':
      return { op, chain: chain!, index: index!, rule: spec() };
    case 'delete':
      return index !== undefined ? { op, chain: chain!, index } : { op, chain: chain!, rule: spec() };
    case 'policy':
      if (policy !== 'ACCEPT' && policy !== 'DROP') fail(`bad policy "${policy}"`);
      return { op, chain: chain!, policy };
    case 'new-chain':
      return { op, chain: chain! };
    default:
      if (ruleOpts > 0) fail(`-${op} takes no rule options`);
      return chain === undefined ? { op } : { op, chain };
  }
}

function finishRule(
  rule: { src?: IptAddr; dst?: IptAddr; in?: { name: string; neg: boolean }; out?: { name: string; neg: boolean }; proto?: { proto: number; neg: boolean } },
  drafts: readonly Draft[],
  target: { name: string; goto: boolean; o: Record<string, unknown> } | undefined,
): IptRuleSpec {
  const matches = drafts.map((d) => finishMatch(d, rule.proto));
  const t = target === undefined ? undefined : finishTarget(target, rule.proto);
  return {
    ...(rule.src !== undefined ? { src: rule.src } : {}),
    ...(rule.dst !== undefined ? { dst: rule.dst } : {}),
    ...(rule.in !== undefined ? { in: rule.in } : {}),
    ...(rule.out !== undefined ? { out: rule.out } : {}),
    ...(rule.proto !== undefined ? { proto: rule.proto } : {}),
    matches,
    ...(t !== undefined ? { target: t } : {}),
  };
}

