// Lexer for the `nft -f` language and `nft list ruleset` output, plus the cursor the
// parsers share. Words are maximal runs of [A-Za-z0-9_./:*-] that start with a letter,
// digit, '_', '-' or '*' — so addresses ("10.180.0.1:80", "10.0.0.0/8"), times ("1m40s")
// and kube-proxy chain names ("endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80") stay
// one token, while a free-standing "." (concatenation) or ":" (map data) is punctuation.
// Newlines are tokens (they end rules); "#" starts a comment; "\" joins lines.

export type TokKind = 'word' | 'str' | 'p' | 'nl' | 'eof';

export interface Tok {
  readonly t: TokKind;
  readonly v: string;
  readonly line: number;
  readonly col: number;
}

export class NftSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(`line ${line}:${col}: ${message}`);
  }
}

const WORD = /[A-Za-z0-9_./:*-]/;
const WORD_START = /[A-Za-z0-9_*-]/;
const TWO_CHAR = new Set(['==', '!=', '<=', '>=', '<<', '>>']);
const ONE_CHAR = new Set(['{', '}', ';', ',', ':', '.', '@', '!', '=', '<', '>', '&', '|', '^', '(', ')', '$', '+']);

/** All tokens at once (tests, tools); parsers use the lazy TokStream. */
export function tokenize(src: string): Tok[] {
  const lx = new Lexer(src);
  const out: Tok[] = [];
  for (let t = lx.next(); ; t = lx.next()) {
    out.push(t);
    if (t.t === 'eof') return out;
  }
}

/** Produces tokens on demand, so a 10,000-service file never exists as one token array. */
class Lexer {
  private i = 0;
  private line = 1;
  private lineStart = 0;
  private prevNl = true;

  constructor(private readonly src: string) {}

  private tok(t: TokKind, v: string, at: number): Tok {
    return { t, v, line: this.line, col: at - this.lineStart + 1 };
  }

  next(): Tok {
    const src = this.src;
    while (this.i < src.length) {
      const i = this.i;
      const c = src[i]!;
      if (c === '\n') {
        this.i++;
        const t = this.tok('nl', '\n', i);
        this.line++;
        this.lineStart = this.i;
        if (this.prevNl) continue;
        this.prevNl = true;
        return t;
      }
      if (c === ' ' || c === '\t' || c === '\r') {
        this.i++;
        continue;
      }
      if (c === '\\' && (src[i + 1] === '\n' || (src[i + 1] === '\r' && src[i + 2] === '\n'))) {
        this.i += src[i + 1] === '\n' ? 2 : 3;
        this.line++;
        this.lineStart = this.i;
        continue;
      }
      if (c === '#') {
        while (this.i < src.length && src[this.i] !== '\n') this.i++;
        continue;
      }
      this.prevNl = false;
      if (c === '"') {
        let s = '';
        let j = i + 1;
        while (j < src.length && src[j] !== '"') {
          if (src[j] === '\\' && j + 1 < src.length) j++;
          if (src[j] === '\n') throw new NftSyntaxError('unterminated string', this.line, i - this.lineStart + 1);
          s += src[j];
          j++;
        }
        if (j >= src.length) throw new NftSyntaxError('unterminated string', this.line, i - this.lineStart + 1);
        this.i = j + 1;
        return this.tok('str', s, i);
      }
      if (WORD_START.test(c)) {
        let j = i + 1;
        while (j < src.length && WORD.test(src[j]!)) j++;
        this.i = j;
        return this.tok('word', src.slice(i, j), i);
      }
      const two = src.slice(i, i + 2);
      if (TWO_CHAR.has(two)) {
        this.i += 2;
        return this.tok('p', two, i);
      }
      if (ONE_CHAR.has(c)) {
        this.i++;
        return this.tok('p', c, i);
      }
      throw new NftSyntaxError(`unexpected character '${c}'`, this.line, i - this.lineStart + 1);
    }
    return this.tok('eof', '', this.i);
  }
}

/** A cursor over the lexer's tokens (with lookahead) and the helpers every parser here needs. */
export class TokStream {
  private readonly lx: Lexer;
  private readonly buf: Tok[] = [];
  private prev: Tok | undefined;

  constructor(src: string) {
    this.lx = new Lexer(src);
  }

  peek(ahead = 0): Tok {
    while (this.buf.length <= ahead) {
      const last = this.buf[this.buf.length - 1];
      this.buf.push(last !== undefined && last.t === 'eof' ? last : this.lx.next());
    }
    return this.buf[ahead]!;
  }

  next(): Tok {
    const t = this.peek();
    if (t.t !== 'eof') this.buf.shift();
    this.prev = t;
    return t;
  }

  /** The token consumed last (for error positions). */
  last(): Tok {
    return this.prev ?? this.peek();
  }

  isWord(v?: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.t === 'word' && (v === undefined || t.v === v);
  }

  isP(v: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.t === 'p' && t.v === v;
  }

  /** End of a rule / command: newline, ';', '}' or end of input. */
  atEnd(): boolean {
    const t = this.peek();
    return t.t === 'nl' || t.t === 'eof' || (t.t === 'p' && (t.v === ';' || t.v === '}'));
  }

  fail(msg: string, t: Tok = this.peek()): never {
    throw new NftSyntaxError(`${msg}${t.t === 'eof' ? ' at end of input' : ` near '${t.v === '\n' ? '\\n' : t.v}'`}`, t.line, t.col);
  }

  word(what = 'word'): string {
    if (this.peek().t !== 'word') this.fail(`expected ${what}`);
    return this.next().v;
  }

  /** A word or a quoted string (names may be quoted). */
  name(what = 'name'): string {
    const t = this.peek();
    if (t.t !== 'word' && t.t !== 'str') this.fail(`expected ${what}`);
    return this.next().v;
  }

  str(what = 'string'): string {
    if (this.peek().t !== 'str') this.fail(`expected ${what}`);
    return this.next().v;
  }

  expectWord(v: string): void {
    if (!this.isWord(v)) this.fail(`expected '${v}'`);
    this.next();
  }

  expectP(v: string): void {
    if (!this.isP(v)) this.fail(`expected '${v}'`);
    this.next();
  }

  eatP(v: string): boolean {
    if (!this.isP(v)) return false;
    this.next();
    return true;
  }

  eatWord(v: string): boolean {
    if (!this.isWord(v)) return false;
    this.next();
    return true;
  }

  skipNewlines(): void {
    while (this.peek().t === 'nl') this.next();
  }

  /** Skips newlines and ';' separators. */
  skipSeparators(): void {
    while (this.peek().t === 'nl' || this.isP(';')) this.next();
  }
}
