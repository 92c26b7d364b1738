// The small part of POSIX shell grammar a network-test session needs:
//   list      := and_or ((';' | '&' | newline) and_or)*
//   and_or    := pipeline (('&&' | '||') pipeline)*
//   pipeline  := command ('|' command)*
//   command   := (word | redirection)+
// Words keep single quotes, double quotes, backslashes and $NAME / ${NAME} / $?
// expansions; expansions stay symbolic until the command runs, so `false; echo $?` sees
// the status of `false`. No globbing, field splitting, subshells or here-documents.
export type WordPart = { readonly kind: 'lit'; readonly text: string } | { readonly kind: 'var'; readonly name: string };
export type Word = readonly WordPart[];

export type Redirect =
  | { readonly kind: 'file'; readonly fd: number; readonly append: boolean; readonly target: Word }
  | { readonly kind: 'dup'; readonly fd: number; readonly to: number }
  | { readonly kind: 'input'; readonly target: Word };

export interface SimpleCommand {
  readonly words: readonly Word[];
  readonly redirects: readonly Redirect[];
}

export type Pipeline = readonly SimpleCommand[];
export interface AndOr {
  readonly first: Pipeline;
  readonly rest: readonly { readonly op: '&&' | '||'; readonly pipeline: Pipeline }[];
}
export type Script = readonly AndOr[];

export type ParseResult = { readonly kind: 'ok'; readonly script: Script } | { readonly kind: 'error'; readonly error: ParseError };
export type ParseError = { readonly kind: 'unterminated'; readonly quote: string } | { readonly kind: 'unexpected'; readonly token: string };

type Token =
  | { readonly kind: 'word'; readonly word: Word }
  | { readonly kind: 'op'; readonly op: ';' | '&' | '&&' | '||' | '|' | '\n' }
  | { readonly kind: 'redir'; readonly fd: number | undefined; readonly op: '>' | '>>' | '<' | '>&' };

function tokenize(src: string): Token[] | ParseError {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '\n' || c === ';') {
      out.push({ kind: 'op', op: c });
      i++;
      continue;
    }
    if (c === '&' || c === '|') {
      if (src[i + 1] === c) {
        out.push({ kind: 'op', op: c === '&' ? '&&' : '||' });
        i += 2;
      } else {
        out.push({ kind: 'op', op: c });
        i++;
      }
      continue;
    }
    if (c === '>' || c === '<' || (/[0-9]/.test(c) && (src[i + 1] === '>' || src[i + 1] === '<'))) {
      let fd: number | undefined;
      if (/[0-9]/.test(c)) {
        fd = Number(c);
        i++;
      }
      const r = src[i]!;
      if (r === '<') {
        out.push({ kind: 'redir', fd, op: '<' });
        i++;
      } else if (src[i + 1] === '>') {
        out.push({ kind: 'redir', fd, op: '>>' });
        i += 2;
      } else if (src[i + 1] === '&') {
        out.push({ kind: 'redir', fd, op: '>&' });
        i += 2;
      } else {
        out.push({ kind: 'redir', fd, op: '>' });
        i++;
      }
      continue;
    }
    const w = readWord(src, i);
    if ('quote' in w) return w;
    out.push({ kind: 'word', word: w.word });
    i = w.end;
  }
  return out;
}

function readWord(src: string, start: number): { word: Word; end: number } | { kind: 'unterminated'; quote: string } {
  const parts: WordPart[] = [];
  let lit = '';
  const flush = (): void => {
    if (lit !== '') parts.push({ kind: 'lit', text: lit });
    lit = '';
  };
  const readVar = (j: number): number => {
    // j points just past '$'.
    const ch = src[j];
    if (ch === '?' || ch === '$' || ch === '#' || (ch !== undefined && /[0-9]/.test(ch))) {
      flush();
      parts.push({ kind: 'var', name: ch });
      return j + 1;
    }
    if (ch === '{') {
      const close = src.indexOf('}', j);
      if (close > j + 1) {
        flush();
        parts.push({ kind: 'var', name: src.slice(j + 1, close) });
        return close + 1;
      }
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(j));
    if (m === null) {
      lit += '$';
      return j;
    }
    flush();
    parts.push({ kind: 'var', name: m[0] });
    return j + m[0].length;
  };
  let i = start;
  while (i < src.length) {
    const c = src[i]!;
    if (' \t\n;&|<>'.includes(c)) break;
    if (c === '\\') {
      if (i + 1 < src.length && src[i + 1] !== '\n') lit += src[i + 1];
      i += 2;
    } else if (c === "'") {
      const close = src.indexOf("'", i + 1);
      if (close < 0) return { kind: 'unterminated', quote: "'" };
      lit += src.slice(i + 1, close);
      // An empty '' still makes a word.
      if (close === i + 1 && parts.length === 0) parts.push({ kind: 'lit', text: '' });
      i = close + 1;
    } else if (c === '"') {
      let j = i + 1;
      let closed = false;
      if (src[j] === '"' && parts.length === 0 && lit === '') parts.push({ kind: 'lit', text: '' });
      while (j < src.length) {
        const d = src[j]!;
        if (d === '"') {
          closed = true;
          j++;
          break;
        }
        if (d === '\\' && j + 1 < src.length && '$`"\\\n'.includes(src[j + 1]!)) {
          if (src[j + 1] !== '\n') lit += src[j + 1];
          j += 2;
        } else if (d === '$') j = readVar(j + 1);
        else {
          lit += d;
          j++;
        }
      }
      if (!closed) return { kind: 'unterminated', quote: '"' };
      i = j;
    } else if (c === '$') i = readVar(i + 1);
    else {
      lit += c;
      i++;
    }
  }
  flush();
  return { word: parts, end: i };
}

function opText(t: Token): string {
  if (t.kind === 'op') return t.op === '\n' ? 'newline' : t.op;
  if (t.kind === 'redir') return t.op;
  return 'word';
}

export function parseScript(src: string): ParseResult {
  const toks = tokenize(src);
  if (!Array.isArray(toks)) return { kind: 'error', error: toks };
  const script: AndOr[] = [];
  let i = 0;
  const unexpected = (t: Token | undefined): ParseResult => ({ kind: 'error', error: { kind: 'unexpected', token: t === undefined ? 'newline' : opText(t) } });

  const command = (): SimpleCommand | undefined => {
    const words: Word[] = [];
    const redirects: Redirect[] = [];
    for (;;) {
      const t = toks[i];
      if (t?.kind === 'word') {
        words.push(t.word);
        i++;
      } else if (t?.kind === 'redir') {
        const target = toks[i + 1];
        if (target?.kind !== 'word') return undefined;
        i += 2;
        if (t.op === '<') redirects.push({ kind: 'input', target: target.word });
        else if (t.op === '>&') {
          const text = target.word.map((p) => (p.kind === 'lit' ? p.text : '')).join('');
          if (!/^[0-9]$/.test(text)) return undefined;
          redirects.push({ kind: 'dup', fd: t.fd ?? 1, to: Number(text) });
        } else redirects.push({ kind: 'file', fd: t.fd ?? 1, append: t.op === '>>', target: target.word });
      } else break;
    }
    return words.length === 0 && redirects.length === 0 ? undefined : { words, redirects };
  };
  const pipeline = (): Pipeline | undefined => {
    const cmds: SimpleCommand[] = [];
    for (;;) {
      const c = command();
      if (c === undefined) return undefined;
      cmds.push(c);
      const t = toks[i];
      if (t?.kind === 'op' && t.op === '|') {
        i++;
        continue;
      }
      return cmds;
    }
  };

  while (i < toks.length) {
    const t = toks[i]!;
    if (t.kind === 'op' && t.op === '\n') {
      i++;
      continue;
    }
    const first = pipeline();
    if (first === undefined) return unexpected(toks[i]);
    const rest: { op: '&&' | '||'; pipeline: Pipeline }[] = [];
    for (;;) {
      const n = toks[i];
      if (n?.kind === 'op' && (n.op === '&&' || n.op === '||')) {
        i++;
        while (toks[i]?.kind === 'op' && (toks[i] as { op: string }).op === '\n') i++;
        const p = pipeline();
        if (p === undefined) return unexpected(toks[i]);
        rest.push({ op: n.op, pipeline: p });
      } else break;
    }
    script.push({ first, rest });
    const sep = toks[i];
    if (sep === undefined) break;
    if (sep.kind === 'op' && (sep.op === ';' || sep.op === '&' || sep.op === '\n')) {
      i++;
      continue;
    }
    return unexpected(sep);
  }
  return { kind: 'ok', script };
}

/** Expands a word with the given variable lookup. */
export function expandWord(w: Word, lookup: (name: string) => string): string {
  return w.map((p) => (p.kind === 'lit' ? p.text : lookup(p.name))).join('');
}
