/**
 * The web console's files, served by the admin listener at `/` (its fallback surface): the
 * built page (dist/console, made by `npm run build`) for every address of lib/routes.ts, so a
 * reload or a bookmark works, and its hashed assets, cached for good. Every other path,
 * `/billing/api/…` included, is a 404 problem document. Every answer carries the console's
 * security headers: its own scripts and styles only, no framing, no referrer, no sniffing.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { matchConsolePath } from '../console/lib/routes.js';
import type { Reply, WholeReply } from '../transport/reply.js';
import type { Surface } from '../transport/surface.js';
import { adminContentType, adminFault } from './admin-surface.js';
import { problemReply } from './problems.js';

/** Where `npm run build` puts the console: dist/console, beside dist/src. */
export const CONSOLE_DIR = fileURLToPath(new URL('../../console/', import.meta.url));

export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

interface ConsoleFile {
  readonly type: string;
  readonly etag: string;
  readonly cache: string;
  readonly identity: Buffer;
  readonly gzip?: Buffer;
  readonly br?: Buffer;
}

/** Every built file, read and compressed once when the listener starts; empty when the console was not built. */
export function loadConsoleFiles(dir: string = CONSOLE_DIR): ReadonlyMap<string, ConsoleFile> {
  const files = new Map<string, ConsoleFile>();
  if (!existsSync(join(dir, 'index.html'))) return files;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    const path = `/${relative(dir, full).split(sep).join('/')}`;
    const type = TYPES[extname(entry.name)] ?? 'application/octet-stream';
    const identity = readFileSync(full);
    const compressible = /^(text\/|image\/svg|application\/json)/.test(type) && identity.length > 512;
    files.set(path, {
      type,
      etag: `"${createHash('sha256').update(identity).digest('base64url').slice(0, 27)}"`,
      // Vite names assets by their content: they never change under one name.
      cache: path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      identity,
      ...(compressible && {
        gzip: gzipSync(identity, { level: 9 }),
        br: brotliCompressSync(identity, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: identity.length } }),
      }),
    });
  }
  return files;
}

/** The admin listener's answer to every path no other surface claims: the console, or a 404. */
export function createConsoleSurface(files: ReadonlyMap<string, ConsoleFile> = loadConsoleFiles()): Surface {
  const page = files.get('/index.html');
  const notFound = problemReply('not_found', 'no such path on the admin listener: the console is at /, the API under /admin/v1/, its reference at /admin/docs', {
    headers: CONSOLE_HEADERS,
  });
  const notBuilt = problemReply('not_found', 'the console is not built: run `npm run build` (npm ci does it), then restart tally serve', { headers: CONSOLE_HEADERS });
  return {
    paths: [],
    routineOutcomes: new Set(['console']),
    answer(req, path) {
      const file = files.get(path) ?? (matchConsolePath(path) !== undefined ? page : undefined);
      let reply: WholeReply;
      if (file === undefined) reply = page === undefined && matchConsolePath(path) !== undefined ? notBuilt : notFound;
      else if (req.method !== 'GET' && req.method !== 'HEAD')
        reply = problemReply('method_not_allowed', 'the console is read with GET', { headers: { ...CONSOLE_HEADERS, Allow: 'GET, HEAD' } });
      else reply = fileReply(req, file);
      return { reply, api: file === undefined ? 'unknown' : 'console', logPath: file === undefined ? '/' : file === page ? '/' : path };
    },
    fault: adminFault,
    contentType: (reply: Reply) => (reply.type.includes('/') ? reply.type : adminContentType(reply)),
    logPath: () => '/',
  };
}

function fileReply(req: IncomingMessage, file: ConsoleFile): WholeReply {
  const headers = { ...CONSOLE_HEADERS, 'Cache-Control': file.cache, ETag: file.etag, Vary: 'Accept-Encoding' };
  if (req.headers['if-none-match'] === file.etag) return { status: 304, type: file.type, body: '', outcome: 'console', headers };
  const accepted = String(req.headers['accept-encoding'] ?? '');
  if (file.br !== undefined && /\bbr\b/.test(accepted)) return { status: 200, type: file.type, body: file.br, outcome: 'console', headers: { ...headers, 'Content-Encoding': 'br' } };
  if (file.gzip !== undefined && /\bgzip\b/.test(accepted)) return { status: 200, type: file.type, body: file.gzip, outcome: 'console', headers: { ...headers, 'Content-Encoding': 'gzip' } };
  return { status: 200, type: file.type, body: file.identity, outcome: 'console', headers };
}
