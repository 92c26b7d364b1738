// A container's log kept in memory: the last `capacity` lines, plus followers that get new
// lines as they are written until the container ends.
import type { LogLine, LogSource } from './runtime.js';

export class LogRing implements LogSource {
  private readonly buf: LogLine[] = [];
  private readonly followers = new Set<{ onLine: (l: LogLine) => void; onEnd: () => void }>();
  private ended = false;

  constructor(private readonly capacity = 1000) {}

  write(line: LogLine): void {
    if (this.ended) return;
    this.buf.push(line);
    if (this.buf.length > this.capacity) this.buf.splice(0, this.buf.length - this.capacity);
    for (const f of [...this.followers]) f.onLine(line);
  }

  /** The container exited: followers are told and no more lines are accepted. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const f of [...this.followers]) f.onEnd();
    this.followers.clear();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  lines(): readonly LogLine[] {
    return [...this.buf];
  }

  follow(onLine: (line: LogLine) => void, onEnd: () => void): () => void {
    if (this.ended) {
      queueMicrotask(onEnd);
      return () => {};
    }
    const f = { onLine, onEnd };
    this.followers.add(f);
    return () => this.followers.delete(f);
  }
}
