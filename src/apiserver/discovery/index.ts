// Discovery (/version, /api, /apis, group and group-version resource lists, aggregated
// discovery) and OpenAPI (/openapi/v2, /openapi/v3) documents, computed from the registry.
export { versionInfo, goPlatform, GIT_VERSION, KUBERNETES_MINOR } from './version-info.js';
export type { VersionInfo, VersionOptions } from './version-info.js';
export type { DiscoveryInput, GroupVersionRef } from './discovery-input.js';
export { allGroupVersions, groupVersionPath, groupVersionString } from './discovery-input.js';
export { apiGroup, apiGroupList, apiResourceList, apiVersions } from './legacy-discovery.js';
export type { APIGroup, APIGroupList, APIResource, APIResourceList, APIVersions } from './legacy-discovery.js';
export { aggregatedContentType, aggregatedDiscovery, negotiateDiscovery } from './aggregated-discovery.js';
export type { AggregatedVersion, APIGroupDiscoveryList, DiscoveryFormat } from './aggregated-discovery.js';
export { openApiV3Document, openApiV3Key, openApiV3Set, contentHash } from './openapi-v3.js';
export type { OpenApiV3Document, OpenApiV3Index, OpenApiV3Set } from './openapi-v3.js';
export { openApiV2Document, toV2Schema } from './openapi-v2.js';
export type { SwaggerDocument } from './openapi-v2.js';
export { groupVersionPaths, operationTag, PATCH_CONTENT_TYPES } from './openapi-paths.js';
export { createDiscoveryDocs } from './discovery-docs.js';
export type { DiscoveryDoc, DiscoveryDocs, DiscoveryLookup } from './discovery-docs.js';
export { defaultDiscoveryInput } from './default-input.js';
