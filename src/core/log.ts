// Minimal structured logger. Components get a child logger carrying their name, so a
// line always says which component spoke. Output goes to stderr as `level component: msg k=v`.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(component: string): Logger;
}

export interface LoggerOptions {
  readonly level?: LogLevel;
  readonly write?: (line: string) => void;
}

export function createLogger(component: string, opts: LoggerOptions = {}): Logger {
  const min = order[opts.level ?? ((process.env['SVCNET_LOG'] as LogLevel | undefined) ?? 'info')] ?? 1;
  const write = opts.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (order[level] < min) return;
    const kv = fields === undefined ? '' : Object.entries(fields).map(([k, v]) => ` ${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join('');
    write(`${level} ${component}: ${msg}${kv}`);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (c) => createLogger(`${component}/${c}`, opts),
  };
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = createLogger('silent', { level: 'error', write: () => {} });
