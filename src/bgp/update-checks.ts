// UPDATE checks that need session context (RFC 4271 §6.3 last paragraphs, RFC 6793), and the
// effective AS path of a received route. Syntax was already checked by the wire parser.
import { AsSegmentType, mergeAs4Path, type AsPathSegment, type AsWidth } from './wire/as-path.js';
import { ErrorCode, UpdateSubcode, type WireError } from './wire/notification.js';
import type { UpdateMessage } from './wire/update.js';

export interface UpdateCheckContext {
  readonly localAs: number;
  readonly peerAs: number;
  readonly asWidth: AsWidth;
}

/** The real path: in a 2-octet session, AS_PATH merged with AS4_PATH; in a 4-octet one AS4_PATH is ignored (RFC 6793 §4.1). */
export function effectiveAsPath(u: UpdateMessage, width: AsWidth): readonly AsPathSegment[] {
  const p = u.attributes.asPath ?? [];
  const p4 = u.attributes.as4Path;
  return width === 2 && p4 !== undefined ? mergeAs4Path(p, p4) : p;
}

/**
 * From an external peer, the leftmost AS must be the peer's (RFC 4271 §6.3, "MAY check";
 * FRR's enforce-first-as does it by default). Applies only to UPDATEs that announce routes.
 */
export function checkUpdate(u: UpdateMessage, ctx: UpdateCheckContext): WireError | undefined {
  if (u.nlri.length === 0 || ctx.peerAs === ctx.localAs) return undefined;
  const path = effectiveAsPath(u, ctx.asWidth);
  const first = path[0];
  if (first === undefined || first.type !== AsSegmentType.AS_SEQUENCE || first.asns[0] !== ctx.peerAs) {
    return {
      code: ErrorCode.UPDATE_MESSAGE,
      subcode: UpdateSubcode.MALFORMED_AS_PATH,
      data: new Uint8Array(0),
      reason: `leftmost AS of the AS_PATH is not the peer's (${ctx.peerAs})`,
    };
  }
  return undefined;
}

/** A route whose path already contains our AS is a loop: dropped silently (RFC 4271 §9.1.2). */
export function hasLoop(u: UpdateMessage, ctx: UpdateCheckContext): boolean {
  return effectiveAsPath(u, ctx.asWidth).some((s) => s.asns.includes(ctx.localAs));
}
