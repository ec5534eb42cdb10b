import { decodeSpooledEvent } from '../src/spooled/codecs';
import { EVENT_JSON } from './bench/payload';
const n = 1_000_000;
const parsed = JSON.parse(EVENT_JSON);
for (let k = 0; k < 3; k++) {
  const t = performance.now();
  for (let i = 0; i < n; i++) decodeSpooledEvent(parsed);
  console.log('decode only ns', ((performance.now() - t) * 1e6) / n);
}
