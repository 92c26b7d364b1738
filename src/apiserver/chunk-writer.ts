// Writes a large response as ~256 KiB chunks assembled in place (strings encoded straight into
// the chunk, stored bytes copied in), honouring backpressure between chunks: no giant
// intermediate string, no per-row Buffer.
import type { ServerResponse } from 'node:http';

const CHUNK = 256 * 1024;

export class ChunkWriter {
  private buf = Buffer.allocUnsafe(CHUNK);
  private off = 0;
  private gone = false;

  constructor(private readonly res: ServerResponse) {
    res.once('close', () => (this.gone = true));
  }

  /** The client went away: stop producing. */
  get closed(): boolean {
    return this.gone;
  }

  str(s: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 unit; Buffer.write would silently truncate.
    if (s.length * 3 > CHUNK - this.off) {
      this.push();
      if (s.length * 3 > CHUNK) {
        this.res.write(s);
        return;
      }
    }
    this.off += this.buf.write(s, this.off);
  }

  bytes(b: Uint8Array, start: number, end: number): void {
    const len = end - start;
    if (len > CHUNK - this.off) {
      this.push();
      if (len > CHUNK) {
        this.res.write(b.subarray(start, end));
        return;
      }
    }
    this.buf.set(b.subarray(start, end), this.off);
    this.off += len;
  }

  /** Call between items: hands a full chunk over and waits while the socket is backed up. */
  async maybeFlush(): Promise<void> {
    if (this.off < CHUNK / 2) return;
    if (this.push()) return;
    await this.drained();
  }

  async end(): Promise<void> {
    this.push();
    if (!this.gone) this.res.end();
  }

  /** Writes what is buffered; false when the socket asks us to wait. */
  private push(): boolean {
    if (this.off === 0 || this.gone) return true;
    const ok = this.res.write(this.buf.subarray(0, this.off));
    // The written chunk now belongs to the socket.
    this.buf = Buffer.allocUnsafe(CHUNK);
    this.off = 0;
    return ok;
  }

  private drained(): Promise<void> {
    if (this.gone) return Promise.resolve();
    return new Promise<void>((r) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        r();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }
}
