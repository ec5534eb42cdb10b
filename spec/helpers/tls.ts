import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocket as WsWebSocket } from 'ws';
import type { NodeSocketOptions, WebSocketConstructor } from '../../src';

const read = (name: string): string => readFileSync(join(__dirname, 'tls', `${name}.pem`), 'utf8');

/** The test CA (spec/helpers/tls/make.sh): trusted by nothing unless a test says so. */
export const TEST_CA = read('ca');

/**
 * A server's key and certificate chain (PEM) for `startWsServer({ tls })` or `node:https`, all for localhost and
 * 127.0.0.1 but `elsewhere`: `localhost` (signed by the test CA, valid until 2126), `expired` (signed
 * by it, expired in 2001), `elsewhere` (signed by it, for example.invalid), `self-signed`. With
 * `chain`, the CA's certificate is sent after the leaf.
 */
export function serverCertificate(name: 'localhost' | 'expired' | 'elsewhere' | 'self-signed', chain = false): { key: string; cert: string } {
  return { key: read('key'), cert: chain ? `${read(name)}${TEST_CA}` : read(name) };
}

/**
 * `ws` trusting the test CA, as an app with a private CA passes it as `webSocket()`'s `WebSocket`:
 * its certificates are then checked for everything else (dates, host name).
 */
export const TrustingTestCa = class extends WsWebSocket {
  constructor(url: string, protocols?: string | string[], options?: NodeSocketOptions) {
    super(url, protocols, { ...options, ca: TEST_CA });
  }
} as unknown as WebSocketConstructor;
