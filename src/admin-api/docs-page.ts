/**
 * `/admin/docs`: the OpenAPI document rendered for a browser by Swagger UI, served from the
 * installed swagger-ui-dist package (no CDN: the machine may have no internet).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Reply, WholeReply } from '../transport/reply.js';
import type { Surface } from '../transport/surface.js';
import { adminContentType, adminFault } from './admin-surface.js';
import { problemReply } from './problems.js';

export const DOCS_PATH = '/admin/docs';

// Swagger UI sets inline styles on its elements; scripts come only from here.
const DOCS_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tally admin API reference</title>
<link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css">
</head>
<body>
<div id="reference"></div>
<script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
<script src="${DOCS_PATH}/start.js"></script>
</body>
</html>
`;

// validatorUrl null: Swagger UI would otherwise send the document to an online validator.
const START = `window.ui = SwaggerUIBundle({ url: '/admin/v1/openapi.json', dom_id: '#reference', validatorUrl: null, deepLinking: true, tryItOutEnabled: false });\n`;

interface Asset {
  readonly type: string;
  readonly body: string | Buffer;
}

/** The page and its files, read once when the listener starts. */
function loadAssets(): ReadonlyMap<string, Asset> {
  const root = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const file = (name: string) => readFileSync(join(root, name));
  return new Map<string, Asset>([
    [DOCS_PATH, { type: 'text/html; charset=utf-8', body: PAGE }],
    [`${DOCS_PATH}/`, { type: 'text/html; charset=utf-8', body: PAGE }],
    [`${DOCS_PATH}/start.js`, { type: 'text/javascript; charset=utf-8', body: START }],
    [`${DOCS_PATH}/swagger-ui-bundle.js`, { type: 'text/javascript; charset=utf-8', body: file('swagger-ui-bundle.js') }],
    [`${DOCS_PATH}/swagger-ui.css`, { type: 'text/css; charset=utf-8', body: file('swagger-ui.css') }],
  ]);
}

export function createDocsSurface(): Surface {
  const assets = loadAssets();
  return {
    paths: [DOCS_PATH, `${DOCS_PATH}/`],
    routineOutcomes: new Set(['docs']),
    answer(req, path) {
      const asset = assets.get(path);
      let reply: WholeReply;
      if (asset === undefined) reply = problemReply('not_found', 'no such file of the reference page');
      else if (req.method !== 'GET' && req.method !== 'HEAD') reply = problemReply('method_not_allowed', 'the reference page takes GET', { headers: { Allow: 'GET, HEAD' } });
      else reply = { status: 200, type: asset.type, body: asset.body, outcome: 'docs', headers: DOCS_HEADERS };
      return { reply, api: 'docs', logPath: asset === undefined ? DOCS_PATH : path };
    },
    fault: adminFault,
    contentType: (reply: Reply) => adminContentType(reply),
    logPath: () => DOCS_PATH,
  };
}
