// Public surface of src/client: how components talk to the Kubernetes API.
export { ApiStatusError, TransportError, isAlreadyExists, isConflict, isGone, isNotFound, isStatus, type ClientError, type TransportFailure } from './api-error.js';
export { Resources, refForObject, resourcePath, isNamespaced, type ResourceRef } from './resource-ref.js';
export {
  RestClient,
  type ClientConfig,
  type ClientOptions,
  type DeleteOptions,
  type GetOptions,
  type ListOptions,
  type PatchOptions,
  type PatchType,
  type WatchEnd,
  type WatchHandle,
  type WatchOptions,
  type WriteOptions,
} from './rest-client.js';
export type { Endpoint, InProcessEndpoint, NetworkEndpoint, RequestHandler } from './transport.js';
export type { WatchEvent } from './watch-decoder.js';
export { clientFromKubeconfig, defaultKubeconfigPath, fromKubeconfig, parseKubeconfig, type KubeconfigResult } from './kubeconfig.js';
export { Informer, objectKey, type DeleteInfo, type InformerHandler, type InformerOptions, type ListWatcher } from './informer.js';
export { InformerFactory, type InformerFactoryOptions, type InformerRequest } from './informer-factory.js';
export { Indexer, type IndexFunc } from './indexer.js';
export { Backoff, type BackoffOptions } from './backoff.js';
export { WorkQueue, runWorkers, type QueueItem, type ReconcileResult, type WorkQueueOptions } from './work-queue.js';
export { BucketRateLimiter, ItemExponentialRateLimiter, MaxOfRateLimiter, defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.js';
export { EventRecorder, eventSinkFor, type EventRecorderOptions, type EventSink, type EventType, type RecordOutcome } from './events.js';
