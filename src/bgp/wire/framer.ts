// Splits a TCP byte stream into whole messages. The header is checked as soon as its 19
// octets are in (so a bad marker or length fails before waiting for a body that may never
// come); after a header error the stream cannot be re-synchronized and the framer stays
// failed.
import { ok } from '../../core/result.js';
import { HEADER_LENGTH } from './constants.js';
import { parseHeader } from './header.js';
import type { WireResult } from './notification.js';

export class Framer {
  private buf = new Uint8Array(0);
  private start = 0;
  private end = 0;
  private failed = false;

  push(chunk: Uint8Array): void {
    if (this.failed || chunk.length === 0) return;
    if (this.end + chunk.length > this.buf.length) {
      const live = this.end - this.start;
      const next = live + chunk.length <= this.buf.length ? this.buf : new Uint8Array(Math.max(256, 2 * (live + chunk.length)));
      next.set(this.buf.subarray(this.start, this.end), 0);
      this.buf = next;
      this.end = live;
      this.start = 0;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** The next whole message (a copy), a header error, or undefined when more bytes are needed. */
  next(): WireResult<Uint8Array> | undefined {
    if (this.failed) return undefined;
    const avail = this.end - this.start;
    if (avail < HEADER_LENGTH) return undefined;
    const h = parseHeader(this.buf.subarray(this.start, this.start + HEADER_LENGTH));
    if (!h.ok) {
      this.failed = true;
      return h;
    }
    if (avail < h.value.length) return undefined;
    const msg = this.buf.slice(this.start, this.start + h.value.length);
    this.start += h.value.length;
    if (this.start === this.end) this.start = this.end = 0;
    return ok(msg);
  }

  get buffered(): number {
    return this.end - this.start;
  }
}
