// Splices a real host socket (node:net) and an emulated TCP connection (HostStack) into
// one byte stream, both ways.
//
// Contract:
//   - Backpressure both ways: a full emulated send buffer (write() false) pauses the real
//     socket until onDrain; a full real write queue stops reading the emulated socket (its
//     advertised window closes) until 'drain'.
//   - Half-close: FIN from either side becomes end() on the other; the other direction
//     keeps flowing (the server socket must be created with allowHalfOpen).
//   - Aborts: an emulated reset, timeout or other error resets the real socket (RST to
//     the host client); a real socket error, or a real close before both directions
//     ended, destroys the emulated connection (RST into the emulator).
//   - A clean close on both sides ends with neither RST: the emulated connection finishes
//     its FIN/ACK exchange (and delivers what it still buffers) on its own.
import type { Socket } from 'node:net';
import type { TcpCloseReason, TcpSocket } from '../../dataplane/host/index.js';

export type BridgeEnd =
  | { readonly kind: 'closed' }
  /** The emulated side failed (RST, timeout, ...): the real socket was reset. */
  | { readonly kind: 'emulated-error'; readonly error: string }
  /** The real side failed or went away early: the emulated connection was reset. */
  | { readonly kind: 'host-error'; readonly error: string }
  /** torn down by `destroy()` (listener stopped). */
  | { readonly kind: 'destroyed' };

export interface BridgeStats {
  /** Bytes from the host client into the emulator. */
  toEmulated: number;
  /** Bytes from the emulator to the host client. */
  toHost: number;
}

export interface Bridge {
  readonly stats: BridgeStats;
  /** Resets both sides. */
  destroy(): void;
}

export function bridgeSockets(real: Socket, emu: TcpSocket, onEnd: (e: BridgeEnd, stats: BridgeStats) => void): Bridge {
  const stats: BridgeStats = { toEmulated: 0, toHost: 0 };
  let realEnded = false; // host client's FIN received
  let emuEnded = false; // emulated peer's FIN received (and passed on)
  let emuClosed = false;
  let realClosed = false;
  let finished = false;
  let pendingEnd: BridgeEnd | undefined;

  const finish = (e: BridgeEnd) => {
    pendingEnd ??= e;
    // Report once both sides are gone, with the first reason seen.
    if (finished || !emuClosed || !realClosed) return;
    finished = true;
    onEnd(pendingEnd, stats);
  };

  let emuReset = false;
  const resetEmu = () => {
    if (emuClosed || emuReset) return;
    emuReset = true;
    emu.destroy(); // closed() then resolves with an error and marks emuClosed
  };

  // host -> emulator
  real.on('data', (chunk: Buffer) => {
    stats.toEmulated += chunk.length;
    let ok: boolean;
    try {
      ok = emu.write(chunk);
    } catch {
      // The emulated side can no longer take data (closed under us): abort the host side.
      real.resetAndDestroy();
      return;
    }
    if (!ok) real.pause();
  });
  emu.onDrain(() => {
    if (!realClosed) real.resume();
  });
  real.on('end', () => {
    realEnded = true;
    if (!emuClosed) emu.end();
  });

  // emulator -> host. Pulled with read() rather than onData/onEnd/onClose handlers: the
  // socket comes out of connect() a microtask after the handshake, and a FIN (or RST)
  // processed in between is delivered to whatever handlers exist at that moment — none.
  // read() and closed() also report an end or close that happened before we asked.
  void (async () => {
    for (;;) {
      let chunk: Uint8Array | null;
      try {
        chunk = await emu.read();
      } catch {
        return; // reset or timeout: closed() below handles it
      }
      if (chunk === null) {
        emuEnded = true;
        if (!real.destroyed) real.end();
        return;
      }
      stats.toHost += chunk.length;
      if (realClosed || real.destroyed) continue; // nobody to deliver to; the emulated side is being reset
      // Not reading while the real socket is backed up closes the emulated window.
      if (!real.write(chunk)) await new Promise<void>((resolve) => {
        const done = () => {
          real.off('drain', done);
          real.off('close', done);
          resolve();
        };
        real.on('drain', done);
        real.on('close', done);
      });
    }
  })();

  void emu.closed().then((r: TcpCloseReason) => {
    emuClosed = true;
    if (r.kind === 'error') {
      if (!realClosed) real.resetAndDestroy();
      finish({ kind: 'emulated-error', error: r.error });
    } else finish({ kind: 'closed' });
  });

  real.on('error', (e: NodeJS.ErrnoException) => {
    pendingEnd ??= { kind: 'host-error', error: e.code ?? e.message };
  });
  real.on('close', (hadError: boolean) => {
    realClosed = true;
    // Closed before both directions ended cleanly: nobody is left to read what the
    // emulator sends, so reset it rather than leave it half-open.
    if (hadError || !realEnded || !emuEnded) {
      if (!emuClosed) pendingEnd ??= { kind: 'host-error', error: hadError ? 'error' : 'closed early' };
      resetEmu();
    }
    finish({ kind: 'closed' });
  });

  real.resume();
  return {
    stats,
    destroy() {
      pendingEnd ??= { kind: 'destroyed' };
      resetEmu();
      if (!realClosed) real.resetAndDestroy();
    },
  };
}
