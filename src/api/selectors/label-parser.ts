// The label selector string syntax, lexed and parsed the way k8s.io/apimachinery's
// labels.Parse does it so that accepted inputs, canonical output and error messages agree:
//
//   <selector>    ::= <requirement> | <requirement> "," <selector>
//   <requirement> ::= [!] KEY [ <set-based> | <exact-match> | <order> ]
//   <set-based>   ::= ("in" | "notin") "(" VALUE { "," VALUE } ")"
//   <exact-match> ::= ("=" | "==" | "!=") VALUE
//   <order>       ::= (">" | "<") INTEGER
//
// Whitespace (space, tab, CR, LF) separates tokens; "in"/"notin" are keywords only where an
// operator is expected ("in in (in)" is valid). Empty values are legal ("a=", "a in (,b)").
// Examples: `app=web,tier!=db`, `env in (prod,staging),!canary`, `a`.
import { err, ok, type Result } from '../../core/index.js';
import { compareGoStrings, goQuote } from './_go-format.js';
import {
  LABELS_EVERYTHING,
  newRequirement,
  sortByKey,
  type LabelRequirement,
  type LabelSelectorError,
  type ParsedLabelSelector,
  type SelectorOperator,
} from './label-selector.js';
import { isQualifiedName } from './label-validation.js';

type Tok =
  | 'error'
  | 'eos'
  | 'closePar'
  | 'comma'
  | 'doesNotExist'
  | 'doubleEquals'
  | 'equals'
  | 'greaterThan'
  | 'identifier'
  | 'in'
  | 'lessThan'
  | 'notEquals'
  | 'notIn'
  | 'openPar';

interface Item {
  readonly tok: Tok;
  readonly lit: string;
}

const STRING_TO_TOKEN: ReadonlyMap<string, Tok> = new Map<string, Tok>([
  [')', 'closePar'],
  [',', 'comma'],
  ['!', 'doesNotExist'],
  ['==', 'doubleEquals'],
  ['=', 'equals'],
  ['>', 'greaterThan'],
  ['in', 'in'],
  ['<', 'lessThan'],
  ['!=', 'notEquals'],
  ['notin', 'notIn'],
  ['(', 'openPar'],
]);

const isWhitespace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isSpecial = (c: string): boolean => c === '=' || c === '!' || c === '(' || c === ')' || c === ',' || c === '>' || c === '<';

/** Upstream reads bytes and uses 0 as "end"; a NUL in the input therefore also ends a token. */
const NUL = '\0';

function lex(s: string): Item[] {
  let pos = 0;
  const read = (): string => (pos < s.length ? (s[pos++] ?? NUL) : NUL);
  const items: Item[] = [];
  for (;;) {
    let ch = read();
    while (isWhitespace(ch)) ch = read();
    if (ch === NUL) {
      items.push({ tok: 'eos', lit: '' });
      return items;
    }
    pos--;
    if (isSpecial(ch)) {
      // Longest run of special characters that still forms a known token ("!=", "==").
      let buf = '';
      let last: Item | undefined;
      for (;;) {
        const c = read();
        if (c === NUL) break;
        if (!isSpecial(c)) {
          pos--;
          break;
        }
        buf += c;
        const t = STRING_TO_TOKEN.get(buf);
        if (t !== undefined) last = { tok: t, lit: buf };
        else if (last !== undefined) {
          pos--;
          break;
        }
      }
      items.push(last ?? { tok: 'error', lit: `error expected: keyword found '${buf}'` });
    } else {
      let buf = '';
      for (;;) {
        const c = read();
        if (c === NUL) break;
        if (isSpecial(c) || isWhitespace(c)) {
          pos--;
          break;
        }
        buf += c;
      }
      const t = STRING_TO_TOKEN.get(buf);
      items.push({ tok: t ?? 'identifier', lit: buf });
    }
  }
}

type Context = 'keyAndOperator' | 'values';

class Parser {
  private position = 0;
  constructor(private readonly items: readonly Item[]) {}

  private at(i: number, ctx: Context): Item {
    const it = this.items[Math.min(i, this.items.length - 1)] ?? { tok: 'eos', lit: '' };
    // In a values context the keywords are plain identifiers.
    if (ctx === 'values' && (it.tok === 'in' || it.tok === 'notIn')) return { tok: 'identifier', lit: it.lit };
    return it;
  }
  lookahead(ctx: Context): Item {
    return this.at(this.position, ctx);
  }
  consume(ctx: Context): Item {
    return this.at(this.position++, ctx);
  }

  parse(): Result<LabelRequirement[], string> {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead('values');
      if (tok === 'eos') return ok(reqs);
      if (tok !== 'identifier' && tok !== 'doesNotExist') return err(`found '${lit}', expected: !, identifier, or 'end of string'`);
      const r = this.parseRequirement();
      if (!r.ok) return err(`unable to parse requirement: ${r.error}`);
      reqs.push(r.value);
      const next = this.consume('values');
      if (next.tok === 'eos') return ok(reqs);
      if (next.tok !== 'comma') return err(`found '${next.lit}', expected: ',' or 'end of string'`);
      const after = this.lookahead('values');
      if (after.tok !== 'identifier' && after.tok !== 'doesNotExist') return err(`found '${after.lit}', expected: identifier after ','`);
    }
  }

  private parseRequirement(): Result<LabelRequirement, string> {
    const ko = this.parseKeyAndInferOperator();
    if (!ko.ok) return ko;
    const { key } = ko.value;
    if (ko.value.op === 'exists' || ko.value.op === '!') return unwrapReq(newRequirement(key, ko.value.op, []));
    const op = this.parseOperator();
    if (!op.ok) return op;
    const values = op.value === 'in' || op.value === 'notin' ? this.parseValues() : this.parseExactValue();
    if (!values.ok) return values;
    return unwrapReq(newRequirement(key, op.value, values.value));
  }

  private parseKeyAndInferOperator(): Result<{ key: string; op: SelectorOperator | undefined }, string> {
    let op: SelectorOperator | undefined;
    let item = this.consume('values');
    if (item.tok === 'doesNotExist') {
      op = '!';
      item = this.consume('values');
    }
    if (item.tok !== 'identifier') return err(`found '${item.lit}', expected: identifier`);
    const keyErrs = isQualifiedName(item.lit);
    // The key is validated with the parser's nil field path, which prints as "<nil>".
    if (keyErrs.length > 0) return err(`<nil>: Invalid value: ${goQuote(item.lit)}: ${keyErrs.join('; ')}`);
    const next = this.lookahead('values').tok;
    if ((next === 'eos' || next === 'comma') && op !== '!') op = 'exists';
    return ok({ key: item.lit, op });
  }

  private parseOperator(): Result<SelectorOperator, string> {
    const { tok, lit } = this.consume('keyAndOperator');
    switch (tok) {
      case 'in':
        return ok('in');
      case 'equals':
        return ok('=');
      case 'doubleEquals':
        return ok('==');
      case 'greaterThan':
        return ok('gt');
      case 'lessThan':
        return ok('lt');
      case 'notIn':
        return ok('notin');
      case 'notEquals':
        return ok('!=');
      default:
        return err(`found '${lit}', expected: in, notin, =, ==, !=, gt, lt`);
    }
  }

  /** `(a,b,c)` as a sorted set; "()" is the set holding the empty string. */
  private parseValues(): Result<string[], string> {
    const open = this.consume('values');
    if (open.tok !== 'openPar') return err(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead('values');
    if (tok === 'identifier' || tok === 'comma') {
      const s = this.parseIdentifiersList();
      if (!s.ok) return s;
      // Upstream reports the literal seen before the list here, not the offending token.
      if (this.consume('values').tok !== 'closePar') return err(`found '${lit}', expected: ')'`);
      return ok(s.value);
    }
    if (tok === 'closePar') {
      this.consume('values');
      return ok(['']);
    }
    return err(`found '${lit}', expected: ',', ')' or identifier`);
  }

  private parseIdentifiersList(): Result<string[], string> {
    const set = new Set<string>();
    const done = (): string[] => [...set].sort(compareGoStrings);
    for (;;) {
      const { tok, lit } = this.consume('values');
      if (tok === 'identifier') {
        set.add(lit);
        const next = this.lookahead('values');
        if (next.tok === 'comma') continue;
        if (next.tok === 'closePar') return ok(done());
        return err(`found '${next.lit}', expected: ',' or ')'`);
      }
      if (tok === 'comma') {
        if (set.size === 0) set.add(''); // "(,"
        const next = this.lookahead('values').tok;
        if (next === 'closePar') {
          set.add(''); // ",)"
          return ok(done());
        }
        // ",,": the second comma is consumed by the next iteration.
        if (next === 'comma') set.add('');
        continue;
      }
      return err(`found '${lit}', expected: ',', or identifier`);
    }
  }

  private parseExactValue(): Result<string[], string> {
    const next = this.lookahead('values').tok;
    if (next === 'eos' || next === 'comma') return ok(['']);
    const { tok, lit } = this.consume('values');
    if (tok === 'identifier') return ok([lit]);
    return err(`found '${lit}', expected: identifier`);
  }
}

function unwrapReq(r: Result<LabelRequirement, LabelSelectorError>): Result<LabelRequirement, string> {
  return r.ok ? r : err(r.error.message);
}

/**
 * labels.Parse. The empty (or all-whitespace) string selects everything. Error messages are
 * upstream's, e.g. `unable to parse requirement: found '', expected: identifier` for "!".
 */
export function parseLabelSelector(selector: string): Result<ParsedLabelSelector, LabelSelectorError> {
  const r = new Parser(lex(selector)).parse();
  if (!r.ok) {
    const reason = r.error.includes(': Invalid value: ') ? 'invalid' : 'syntax';
    return err({ reason, message: r.error });
  }
  if (r.value.length === 0) return ok(LABELS_EVERYTHING);
  return ok({ kind: 'requirements', requirements: sortByKey(r.value) });
}
