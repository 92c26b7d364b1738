// Test helper: a plain HTTP GET (host access ports on 127.0.0.1), body as text.
import { request } from 'node:http';

export function httpGet(url: string, timeoutMs = 10_000): Promise<{ code: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}
