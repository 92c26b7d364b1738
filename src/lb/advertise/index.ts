// Public surface of src/lb/advertise: LoadBalancer VIPs -> BGP advertisements.
export { advertisementsForServices, inVipPool, parseVipPolicy, projectServiceVips, serviceVips, vipAdvertisements, type ServiceVips, type VipPolicy, type VipPolicyInput } from './vip-advertisements.js';
export { VipAdvertiser, type AdvertisementSink, type PushOutcome, type VipAdvertiserOptions } from './vip-advertiser.js';
export { checkAsn, parseBgpPeer, startTier0Bgp, type BgpPeerSpec, type Tier0Bgp, type Tier0BgpOptions, type Tier0BgpStatus, type Tier0PeerStatus } from './tier0-bgp.js';
