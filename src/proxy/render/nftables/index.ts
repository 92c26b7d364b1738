// kube-proxy's nftables mode renderer (pure). See README.md.
export {
  renderNftables,
  nftFirewallChain,
  nftServiceChain,
  nftLocalChain,
  nftExternalChain,
  nftEndpointChain,
  nftEndpointMap,
  type NftRenderOptions,
} from './render-nftables.js';
