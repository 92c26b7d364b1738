// The OpenFlow (NSX-T br-int) renderer. See ../../README.md.
export * from './layout.js';
export { GroupIdAllocator } from './group-id-allocator.js';
export { BASE_FRAGMENT, flattenProgram, flowIdentity, loadProgram, type LearnedFamily, type OpenFlowFragment, type OpenFlowProgram } from './program.js';
export { renderBase, type UplinkPort } from './render-base.js';
export { clusterGroupKey, groupKeys, ipv4, localGroupKey, renderService, type ServiceRenderContext } from './render-service.js';
export { OpenFlowCompiler, renderProgram, type OpenFlowCompilerOptions, type RenderInput } from './compiler.js';
export { isRejectMarked, rejectReplyFor, type RejectReply } from './reject.js';
