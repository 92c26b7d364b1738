// Socket errors as Linux names them (errno symbols) with glibc's strerror text, so what a
// shell or an app prints matches a real host ("connect: Connection refused").

export type NetErrorCode =
  | 'ECONNREFUSED'
  | 'ECONNRESET'
  | 'ETIMEDOUT'
  | 'EHOSTUNREACH'
  | 'ENETUNREACH'
  | 'EADDRINUSE'
  | 'EADDRNOTAVAIL'
  | 'EPIPE'
  | 'ENOTCONN'
  | 'EMSGSIZE'
  | 'EINVAL'
  | 'ENOPROTOOPT'
  | 'EEXIST';

const STRERROR: Record<NetErrorCode, string> = {
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  ETIMEDOUT: 'Connection timed out',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EPIPE: 'Broken pipe',
  ENOTCONN: 'Transport endpoint is not connected',
  EMSGSIZE: 'Message too long',
  EINVAL: 'Invalid argument',
  ENOPROTOOPT: 'Protocol not available',
  EEXIST: 'File exists',
};

export function strerror(code: NetErrorCode): string {
  return STRERROR[code];
}

/**
 * What promise-returning calls reject with. `message` follows Node's net errors
 * ("connect ECONNREFUSED 10.0.0.2:80") so logs read like a real client's.
 */
export class NetError extends Error {
  readonly code: NetErrorCode;
  constructor(code: NetErrorCode, syscall: string, target?: string) {
    super(`${syscall} ${code}${target === undefined ? '' : ` ${target}`}`);
    this.name = 'NetError';
    this.code = code;
  }
}

/**
 * ICMP destination-unreachable code -> errno, after Linux's icmp_err_convert table (codes
 * whose errno we do not model, 5/7/8, fold into EHOSTUNREACH).
 */
export function errnoForUnreachable(code: number): NetErrorCode {
  switch (code) {
    case 0: // net unreachable
    case 6: // destination network unknown
    case 9: // network administratively prohibited
    case 11: // network unreachable for ToS
      return 'ENETUNREACH';
    case 2:
      return 'ENOPROTOOPT';
    case 3:
      return 'ECONNREFUSED';
    case 4:
      return 'EMSGSIZE';
    default:
      return 'EHOSTUNREACH';
  }
}
