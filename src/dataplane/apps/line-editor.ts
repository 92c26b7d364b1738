// Terminal line input, one character at a time. With a tty the editor does what the
// line discipline plus readline do for a network-test session: echo, backspace
// (DEL or ^H), ^U / ^W erase, ^C (discard the line), ^D on an empty line (end of
// input), Up/Down through history; other escape sequences are swallowed. Without a tty
// nothing is echoed or interpreted: lines end at '\n'.
export type EditorEvent = { readonly kind: 'line'; readonly text: string } | { readonly kind: 'interrupt' } | { readonly kind: 'eof' };

export class LineEditor {
  private buf = '';
  private lastCR = false;
  /** 0 = plain, 1 = after ESC, 2 = inside a CSI / SS3 sequence. */
  private esc: 0 | 1 | 2 = 0;
  private escBody = '';
  private readonly history: string[] = [];
  private histPos = 0;

  constructor(
    private readonly tty: boolean,
    private readonly echo: (s: string) => void,
  ) {}

  /** The text typed so far on the current line. */
  get pending(): string {
    return this.buf;
  }

  step(c: string): EditorEvent | undefined {
    if (!this.tty) {
      if (c === '\n') return this.take();
      this.buf += c;
      return undefined;
    }
    if (this.esc !== 0) return this.escape(c);
    const wasCR = this.lastCR;
    this.lastCR = c === '\r';
    switch (c) {
      case '\r':
        return this.enter();
      case '\n':
        // "\r\n" from a terminal is one Enter.
        return wasCR ? undefined : this.enter();
      case '\x7f':
      case '\b':
        if (this.buf.length > 0) {
          this.buf = this.buf.slice(0, -1);
          this.echo('\b \b');
        }
        return undefined;
      case '\x03':
        this.echo('^C\r\n');
        this.buf = '';
        this.histPos = this.history.length;
        return { kind: 'interrupt' };
      case '\x04':
        return this.buf === '' ? { kind: 'eof' } : undefined;
      case '\x15':
        this.erase(this.buf.length);
        return undefined;
      case '\x17': {
        const m = /\S*\s*$/.exec(this.buf);
        this.erase(m === null ? 0 : m[0].length);
        return undefined;
      }
      case '\x1b':
        this.esc = 1;
        this.escBody = '';
        return undefined;
      default:
        if (c < ' ') return undefined;
        this.buf += c;
        this.echo(c);
        return undefined;
    }
  }

  /** End of input without a final newline: the partial line still counts (non-tty). */
  flush(): EditorEvent | undefined {
    return this.buf === '' ? undefined : this.take();
  }

  private enter(): EditorEvent {
    this.echo('\r\n');
    const text = this.buf;
    if (text.trim() !== '' && this.history[this.history.length - 1] !== text) this.history.push(text);
    this.histPos = this.history.length;
    this.buf = '';
    return { kind: 'line', text };
  }

  private take(): EditorEvent {
    const text = this.buf;
    this.buf = '';
    return { kind: 'line', text };
  }

  private erase(n: number): void {
    if (n <= 0) return;
    this.buf = this.buf.slice(0, this.buf.length - n);
    this.echo('\b \b'.repeat(n));
  }

  private escape(c: string): undefined {
    if (this.esc === 1) {
      this.esc = c === '[' || c === 'O' ? 2 : 0;
      return undefined;
    }
    // Parameters and intermediates until the final byte (0x40-0x7e).
    if (c >= '@' && c <= '~') {
      this.esc = 0;
      if (this.escBody === '' && (c === 'A' || c === 'B')) this.recall(c === 'A' ? -1 : 1);
      return undefined;
    }
    this.escBody += c;
    return undefined;
  }

  private recall(dir: -1 | 1): void {
    const pos = this.histPos + dir;
    if (pos < 0 || pos > this.history.length) return;
    this.histPos = pos;
    this.erase(this.buf.length);
    this.buf = this.history[pos] ?? '';
    this.echo(this.buf);
  }
}
