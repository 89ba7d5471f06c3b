import { connect } from 'node:net';

/** A response read off the wire: status, headers by lower-cased name (repeated ones joined with `\n`), body. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** One HTTP/1.1 request as bytes: any request line (absolute-form included) and any Host, even odd or repeated. */
export interface RawRequest {
  /** @default 'GET' */
  readonly method?: string;
  /** The request target as sent: `/cookbook/`, or `http://evil.example/cookbook/` (absolute-form). */
  readonly target: string;
  /** Headers in order; `Host` among them (none is added), `Connection: close` is. */
  readonly headers: readonly (readonly [string, string])[];
}

const TIMEOUT_MS = 5_000;

/**
 * Sends `request` to 127.0.0.1:`port` on a fresh connection and reads the whole response (the server closes the
 * connection after it). Test code only: supertest and node:http normalise the request line and Host.
 */
export function sendRaw(port: number, request: RawRequest): Promise<RawResponse> {
  const lines = [`${request.method ?? 'GET'} ${request.target} HTTP/1.1`];
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`);
  lines.push('Connection: close', '', '');
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error(`no response within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(parseResponse(Buffer.concat(chunks), request.method === 'HEAD'));
      } catch (error) {
        reject(error);
      }
    });
    socket.on('connect', () => socket.write(lines.join('\r\n')));
  });
}

function parseResponse(data: Buffer, head: boolean): RawResponse {
  const end = data.indexOf('\r\n\r\n');
  if (end === -1) throw new Error(`incomplete response: ${JSON.stringify(data.toString('latin1').slice(0, 200))}`);
  const [statusLine = '', ...headerLines] = data.toString('latin1', 0, end).split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  if (!Number.isInteger(status)) throw new Error(`not an HTTP response: ${JSON.stringify(statusLine)}`);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}\n${value}` : value;
  }
  const raw = data.subarray(end + 4);
  const body = head ? Buffer.alloc(0) : headers['transfer-encoding'] === 'chunked' ? dechunk(raw) : raw;
  return { status, headers, body: body.toString('utf8') };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    const size = parseInt(data.toString('latin1', at, lineEnd), 16);
    if (!Number.isFinite(size) || size === 0) return Buffer.concat(parts);
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}
