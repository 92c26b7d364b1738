// Fixed numbers of the BGP-4 wire format (RFC 4271 §4, RFC 6793, RFC 5492, RFC 2918).

export const MARKER_LENGTH = 16;
export const HEADER_LENGTH = 19;
/** RFC 4271 §4.1: no message is longer than 4096 octets (we do not negotiate RFC 8654 extended messages). */
export const MAX_MESSAGE_LENGTH = 4096;
export const BGP_VERSION = 4;
/** RFC 6793: the 2-octet stand-in for a 4-octet AS number in OPEN's My AS and 2-octet AS_PATHs. */
export const AS_TRANS = 23456;
export const BGP_PORT = 179;

export const MessageType = {
  OPEN: 1,
  UPDATE: 2,
  NOTIFICATION: 3,
  KEEPALIVE: 4,
  ROUTE_REFRESH: 5,
} as const;

/** Smallest legal length per message type (RFC 4271 §4.2-§4.5, RFC 2918 §3). */
export const MIN_LENGTH: Readonly<Record<number, number>> = {
  [MessageType.OPEN]: 29,
  [MessageType.UPDATE]: 23,
  [MessageType.NOTIFICATION]: 21,
  [MessageType.KEEPALIVE]: 19,
  [MessageType.ROUTE_REFRESH]: 23,
};

export const AttrType = {
  ORIGIN: 1,
  AS_PATH: 2,
  NEXT_HOP: 3,
  MULTI_EXIT_DISC: 4,
  LOCAL_PREF: 5,
  ATOMIC_AGGREGATE: 6,
  AGGREGATOR: 7,
  COMMUNITIES: 8,
  AS4_PATH: 17,
  AS4_AGGREGATOR: 18,
} as const;

/** Attribute flag bits (RFC 4271 §4.3). The low four bits are unused: zero when sent, ignored when received. */
export const AttrFlag = {
  OPTIONAL: 0x80,
  TRANSITIVE: 0x40,
  PARTIAL: 0x20,
  EXTENDED_LENGTH: 0x10,
} as const;

export const CapabilityCode = {
  MULTIPROTOCOL: 1,
  ROUTE_REFRESH: 2,
  EXTENDED_NEXT_HOP: 5,
  GRACEFUL_RESTART: 64,
  FOUR_OCTET_AS: 65,
  ADD_PATH: 69,
  ENHANCED_ROUTE_REFRESH: 70,
  FQDN: 73,
} as const;

export const AFI_IPV4 = 1;
export const SAFI_UNICAST = 1;

/** OPEN optional parameter type carrying capabilities (RFC 5492). */
export const OPT_PARAM_CAPABILITIES = 2;
/** RFC 9072: a first optional parameter of this type means the extended (2-octet length) encoding. */
export const OPT_PARAM_EXTENDED = 255;
