// Apps that run "inside" emulated pods: the demo web server, the network-test shell and
// its tools (curl, ping, nslookup, dig, ip, ...), the pod's stub resolver, and the map
// from container images to these behaviours.
export { InputPipe, EXIT_INTERRUPTED, type AppContext, type CommandIO, type InputSource, type Proc, type CommandFn, type AbortReason } from './app-context.js';
export { startDemoWeb, demoPage, combinedLogLine, httpDate, DemoWebServer, NGINX_VERSION, type DemoWebOptions } from './demo-web.js';
export { curl, parseUrl, CURL_VERSION, type ParsedUrl } from './http-client.js';
export { RequestReader, ResponseReader, keepAlive, type HttpRequest, type HttpResponse, type RequestRead, type ResponseRead } from './http-message.js';
export { StubResolver, searchCandidates, type LookupOutcome, type ResolverDeps } from './resolver.js';
export { parseResolvConf, parseHosts, kubeletHostsFile, clusterFirstResolvConf, type ResolvConf, type HostsTable } from './resolv-conf.js';
export { encodeQuery, parseReply, type DnsReply, type DnsRecord, type QuerySpec, type QueryType } from './dns-message.js';
export { nslookup } from './nslookup.js';
export { dig, DIG_VERSION } from './dig.js';
export { ping, NON_TTY_DEFAULT_COUNT } from './ping-cli.js';
export { runCommand, interactiveShell, COMMANDS, type ShellKind, type ShellOptions } from './shell.js';
export { ImageRegistry, parseImageRef, DEFAULT_IMAGES, type AppKind, type ImageApp, type ImageBehaviour, type ImageRef } from './image-registry.js';
