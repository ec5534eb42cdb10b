// Serves the production build and the rx-realtime reference server (Spooled's realtime API) on one origin, so the
// app needs neither CORS nor a proxy. `npm start` builds and runs it; `node server.mjs --port 0 --no-simulate` is what
// the repository's test runs.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startReferenceServer } from 'rx-realtime/testing';

const { values } = parseArgs({ options: { port: { type: 'string', default: '4300' }, 'no-simulate': { type: 'boolean', default: false } } });
const root = fileURLToPath(new URL('./dist/example/browser/', import.meta.url));
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.ico': 'image/x-icon' };

/** GET of a built file, or index.html for any other path outside the API (client-side routes). */
function serveApp(request, response) {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (request.method !== 'GET' || path.startsWith('/api/')) return false;
  const file = join(root, normalize(decodeURIComponent(path)).replace(/^([/\\]|\.\.)+/, ''));
  const found = file.startsWith(root) && existsSync(file) && statSync(file).isFile() ? file : join(root, 'index.html');
  response.writeHead(200, { 'content-type': types[extname(found)] ?? 'application/octet-stream' });
  createReadStream(found).pipe(response);
  return true;
}

if (!existsSync(join(root, 'index.html'))) {
  console.error('No build in dist/example/browser: run `npm run build` first.');
  process.exit(1);
}
const server = await startReferenceServer({ port: Number(values.port), simulate: !values['no-simulate'], handle: serveApp });
console.log(`rx-realtime Angular example on ${server.url} (Spooled API key ${server.spooled.apiKey})`);
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void server.close().then(() => process.exit(0)));
