// Applying rendered programs to bridges. See ../README.md.
export { bridgeProgramProgrammer, isGroupMod, programmerFor, type BridgeMod, type BridgeProgrammer, type FlowModTarget, type ProgrammerError } from './bridge-programmer.js';
export { ProgramApplier, type ApplyOutcome, type ApplyStats, type DesiredProgram, type ProgramApplierOptions } from './program-applier.js';
export { conntrackFlusher, ctFlushFilter } from './conntrack-flusher.js';
export { RecordingProgrammer, describeMod } from './recording-programmer.js';
export { deepEqual, flowSpecEqual, groupSpecEqual } from './spec-equality.js';
export { rejectFrameFor, rejectPacketInHandler } from './reject-packet-in.js';
export { iptablesProgrammer, nftablesProgrammer, nftReplaceTransaction, NFT_TABLE, type NetfilterProgrammer } from './netfilter-programmer.js';
