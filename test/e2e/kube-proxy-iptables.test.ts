import { kubeProxyWalkthrough } from './_kube-proxy-walkthrough.js';

kubeProxyWalkthrough('iptables');
