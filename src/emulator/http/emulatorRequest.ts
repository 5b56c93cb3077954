import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { KeyHost } from '../model/keyContainer';
import type { Caller } from '../model/modelContext';
import { ServiceError, badRequest } from '../model/serviceError';

/** Which API a request is for, decided by its Host header alone (as Azure's DNS would). */
export type HostKind = { kind: 'arm' } | { kind: 'graph' } | { kind: 'vault'; name: string } | { kind: 'hsm'; name: string } | { kind: 'unknown' };

/** A request as handlers see it: parsed, with the body read only on demand. */
export interface EmulatorRequest {
  method: string;
  hostKind: HostKind;
  /** Host name, lower case, without port. */
  hostname: string;
  /** `https://<host header as sent>`: every URL the emulator returns starts with this. */
  origin: string;
  /** `:<port>` as the client sent it, or '' (data-plane URLs reuse it). */
  portSuffix: string;
  /** Path with repeated slashes collapsed, percent-encoding kept. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  clientRequestId: string | undefined;
  remoteAddress: string | undefined;
  raw: IncomingMessage;
  /** Set once the bearer token has been validated. */
  caller?: Caller;
  /** Data plane only: the vault or Managed HSM the host name designates. */
  keyHost?: KeyHost;
  /** Reads and parses the JSON body (undefined when empty). Never called before authentication. */
  body(): Promise<unknown>;
}

export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON; `undefined` sends no body. */
  body?: unknown;
}

/** Sentinel a fault returns to make the server drop the connection without answering. */
export const DROP_CONNECTION = Symbol('drop-connection');
export type HandlerResult = EmulatorResponse | typeof DROP_CONNECTION;

const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Collects and parses a JSON body; malformed JSON is a 400 with the plane's own error code. */
export function readJsonBody(raw: IncomingMessage, invalidCode: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    raw.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        // Answer 413 now; the rest of the body is read and dropped so the answer can be delivered.
        tooLarge = true;
        chunks.length = 0;
        reject(new ServiceError('PayloadTooLarge', 'RequestEntityTooLarge', `The request body exceeds ${MAX_BODY_BYTES} bytes.`));
        return;
      }
      chunks.push(chunk);
    });
    raw.on('error', reject);
    raw.on('end', () => {
      if (tooLarge) return;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') {
        resolve(undefined);
        return;
      }
      try {
        resolve(JSON.parse(text) as unknown);
      } catch (error) {
        reject(badRequest(invalidCode, `The request content was invalid and could not be deserialized: ${(error as Error).message}`));
      }
    });
  });
}

export function json(status: number, body?: unknown, headers?: Record<string, string>): EmulatorResponse {
  return { status, ...(body !== undefined ? { body } : {}), ...(headers ? { headers } : {}) };
}
