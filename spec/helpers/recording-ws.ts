import WebSocket from 'ws';
import type { WebSocketConstructor } from '../../src';

/** `ws`, keeping every socket it makes, so a test can read the client's side (`bufferedAmount`, its events). */
export function recordingWs(): { WebSocket: WebSocketConstructor; made: WebSocket[] } {
  const made: WebSocket[] = [];
  class Recording extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      made.push(this);
    }
  }
  return { WebSocket: Recording as unknown as WebSocketConstructor, made };
}
