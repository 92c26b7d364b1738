// One entry point for whole messages: parseMessage(bytes, ctx) -> typed message or the
// NOTIFICATION to send; emitMessage(message, ctx) -> bytes. KEEPALIVE (RFC 4271 §4.4) and
// ROUTE-REFRESH (RFC 2918) are small enough to live here.
import { ok } from '../../core/result.js';
import type { AsWidth } from './as-path.js';
import { HEADER_LENGTH, MessageType } from './constants.js';
import { put16, u16, writeHeader } from './header-bytes.js';
import { parseHeader } from './header.js';
import { emitNotification, ErrorCode, HeaderSubcode, parseNotificationBody, wireError, type NotificationMessage, type WireResult } from './notification.js';
import { emitOpen, parseOpenBody, type OpenMessage } from './open.js';
import { emitUpdate, parseUpdateBody, type UpdateMessage } from './update.js';

export interface KeepaliveMessage {
  readonly type: 'keepalive';
}

export interface RouteRefreshMessage {
  readonly type: 'route-refresh';
  readonly afi: number;
  readonly safi: number;
}

export type BgpMessage = OpenMessage | UpdateMessage | NotificationMessage | KeepaliveMessage | RouteRefreshMessage;

export interface ParseContext {
  /** AS numbers in AS_PATH / AGGREGATOR are 4 octets (both sides announced capability 65). */
  readonly asWidth: AsWidth;
}

export const KEEPALIVE: KeepaliveMessage = { type: 'keepalive' };

/** Parses exactly one message; `b` must be the whole message and nothing more. Never throws. */
export function parseMessage(b: Uint8Array, ctx: ParseContext): WireResult<BgpMessage> {
  const h = parseHeader(b);
  if (!h.ok) return h;
  if (h.value.length !== b.length) {
    return wireError(ErrorCode.MESSAGE_HEADER, HeaderSubcode.BAD_MESSAGE_LENGTH, b.slice(16, 18), `length field ${h.value.length} but ${b.length} octets received`);
  }
  const body = b.subarray(HEADER_LENGTH);
  switch (h.value.type) {
    case MessageType.OPEN:
      return parseOpenBody(body);
    case MessageType.UPDATE:
      return parseUpdateBody(body, ctx.asWidth);
    case MessageType.NOTIFICATION:
      return parseNotificationBody(body);
    case MessageType.KEEPALIVE:
      return ok(KEEPALIVE);
    case MessageType.ROUTE_REFRESH:
      if (body.length !== 4) return wireError(ErrorCode.ROUTE_REFRESH, 1, b.slice(), `ROUTE-REFRESH length ${b.length}, want 23`);
      return ok({ type: 'route-refresh', afi: u16(body, 0), safi: body[3] ?? 0 });
    default:
      // parseHeader only lets known types through.
      return wireError(ErrorCode.MESSAGE_HEADER, HeaderSubcode.BAD_MESSAGE_TYPE, Uint8Array.of(h.value.type), `unknown message type ${h.value.type}`);
  }
}

export function emitMessage(m: BgpMessage, ctx: ParseContext): Uint8Array {
  switch (m.type) {
    case 'open':
      return emitOpen(m);
    case 'update':
      return emitUpdate(m, ctx.asWidth);
    case 'notification':
      return emitNotification(m);
    case 'keepalive': {
      const out = new Uint8Array(HEADER_LENGTH);
      writeHeader(out, HEADER_LENGTH, MessageType.KEEPALIVE);
      return out;
    }
    case 'route-refresh': {
      const out = new Uint8Array(HEADER_LENGTH + 4);
      writeHeader(out, out.length, MessageType.ROUTE_REFRESH);
      put16(out, HEADER_LENGTH, m.afi);
      out[HEADER_LENGTH + 3] = m.safi;
      return out;
    }
  }
}
