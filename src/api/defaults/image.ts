// Image reference parsing, just enough for imagePullPolicy defaulting
// (k8s.io/kubernetes/pkg/util/parsers.ParseImageName over distribution/reference).

// domain/path components are lower case; tag is [\w][\w.-]{0,127}; digest is algo:hex.
const REFERENCE =
  /^(?:((?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?)\/)?([a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*)(?::([\w][\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$/;

export interface ImageRef {
  readonly repository: string;
  /** "latest" when neither tag nor digest is given, as upstream. */
  readonly tag: string;
  readonly digest: string;
}

/** Parses an image reference; undefined when it is not a valid reference. */
export function parseImageName(image: string): ImageRef | undefined {
  const m = REFERENCE.exec(image);
  if (m === null) return undefined;
  // A first component without "." or ":" (and not "localhost") is part of the path, not a domain.
  const tag = m[3] ?? '';
  const digest = m[4] ?? '';
  const repository = m[1] === undefined ? m[2] ?? '' : `${m[1]}/${m[2] ?? ''}`;
  return { repository, tag: tag === '' && digest === '' ? 'latest' : tag, digest };
}

/** SetDefaults_Container: Always for ":latest" (or no tag/digest), else IfNotPresent. */
export function defaultPullPolicy(image: string | undefined): 'Always' | 'IfNotPresent' {
  return parseImageName(image ?? '')?.tag === 'latest' ? 'Always' : 'IfNotPresent';
}
