// Public surface of src/bgp: the speaker, its TCP transport, and the wire codecs for tools.
export { Speaker, peerKey, validateSpeakerConfig } from './speaker.js';
export type { PeerConfig, PeerStatus, SetResult, SpeakerConfig, SpeakerDeps, SpeakerStatus } from './speaker.js';
export type { Advertisement, AdvertisementError } from './advertisement.js';
export type { ReceivedRoute } from './rib-in.js';
export { Session, describeDown } from './session.js';
export type { DownReason, SessionConfig, SessionEvent, SessionInfo, SessionState } from './session.js';
export type { Negotiated } from './open-negotiation.js';
export { DEFAULT_RETRY, retryDelay, type RetryPolicy } from './retry-policy.js';
export { listenTcp, tcpTransport } from './tcp-transport.js';
export type { AcceptFn, BgpConnection, BgpListener, BgpTransport, ConnectAttempt, ConnectHandlers, ConnectionHandlers, ListenFn } from './transport.js';
export * as wire from './wire/index.js';
