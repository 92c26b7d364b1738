// kube-proxy's iptables mode renderer (pure). See README.md.
export { renderIptables, probability, MASQ_MARK, type KubeRenderModel, type KubeRenderOptions } from './render-iptables.js';
