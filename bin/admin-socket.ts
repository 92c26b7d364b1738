// Where the running lab's admin channel listens (shared by the server and the CLI; kept
// free of other imports so CLI commands start fast).
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** sun_path holds 108 bytes; stay well inside it. */
const MAX_SOCKET_PATH = 100;

/**
 * STATE_DIR/admin.sock, or — when that path is too long for a unix socket — a name in the
 * temp dir derived from the state dir, so server and CLI agree without a lookup.
 */
export function adminSocketPath(stateDir: string): string {
  const p = join(resolve(stateDir), 'admin.sock');
  if (Buffer.byteLength(p) <= MAX_SOCKET_PATH) return p;
  return join(tmpdir(), `svcnet-admin-${createHash('sha256').update(resolve(stateDir)).digest('hex').slice(0, 16)}.sock`);
}
