import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { PACKAGE_ROOT as ROOT } from './package-root';

const FILES: Readonly<Record<string, { path: string; type: string }>> = {
  '/': { path: join(ROOT, 'docs', 'dashboard', 'index.html'), type: 'text/html; charset=utf-8' },
  '/app.js': { path: join(ROOT, 'dist', 'dashboard', 'app.js'), type: 'text/javascript; charset=utf-8' },
};

/** Serves the dashboard page, its script, and the demo key, on the reference server's origin. */
export function dashboardRoutes(apiKey: () => string) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    if (request.method !== 'GET') return false;
    const path = (request.url ?? '/').split('?')[0]!;
    if (path === '/demo-config.json') {
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(JSON.stringify({ apiKey: apiKey() }));
      return true;
    }
    const file = FILES[path === '/index.html' ? '/' : path];
    if (!file) return false;
    try {
      const body = await readFile(file.path);
      response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' });
      response.end(body);
    } catch {
      response.writeHead(503, { 'content-type': 'text/plain' });
      response.end('The dashboard is not built: run `npm run build` first.\n');
    }
    return true;
  };
}
