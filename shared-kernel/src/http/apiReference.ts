import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Request, type Response, Router } from 'express';

/**
 * The reference page's own policy (CSP Level 3), in place of the API's `default-src 'none'`: scripts, styles,
 * the document fetch and "Try it out" come from this origin only; images also as `data:` URIs, which is how
 * swagger-ui.css carries its icons. Nothing inline, nothing from elsewhere, no framing.
 */
export const API_REFERENCE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Datebook API reference</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="stylesheet" href="/docs/reference.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
<link rel="icon" type="image/png" href="/docs/favicon-16x16.png" sizes="16x16">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/reference.js"></script>
</body>
</html>
`;

// A file of its own, not an inline script, so the policy needs no 'unsafe-inline'. validatorUrl: null keeps
// Swagger UI from sending the document to validator.swagger.io for its badge.
const INITIALIZER = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, validatorUrl: null, presets: [SwaggerUIBundle.presets.apis], layout: 'BaseLayout' });
});
`;

const STYLE = 'html { box-sizing: border-box; overflow-y: scroll; } *, *:before, *:after { box-sizing: inherit; } body { margin: 0; background: #fafafa; }\n';

interface Asset {
  type: string;
  body: () => Buffer;
}

/** Swagger UI's files as the swagger-ui-dist package ships them, read once when first asked for. */
function packaged(name: string, type: string): Asset {
  let body: Buffer | undefined;
  return { type, body: () => (body ??= readFileSync(join(dirname(require.resolve('swagger-ui-dist/package.json')), name))) };
}

const own = (text: string, type: string): Asset => {
  const body = Buffer.from(text);
  return { type, body: () => body };
};

const ASSETS: Record<string, Asset> = {
  'swagger-ui.css': packaged('swagger-ui.css', 'text/css; charset=utf-8'),
  'swagger-ui-bundle.js': packaged('swagger-ui-bundle.js', 'text/javascript; charset=utf-8'),
  'favicon-32x32.png': packaged('favicon-32x32.png', 'image/png'),
  'favicon-16x16.png': packaged('favicon-16x16.png', 'image/png'),
  'reference.js': own(INITIALIZER, 'text/javascript; charset=utf-8'),
  'reference.css': own(STYLE, 'text/css; charset=utf-8'),
};

const etags = new WeakMap<Buffer, string>();
const etagOf = (body: Buffer) => {
  let tag = etags.get(body);
  if (!tag) etags.set(body, (tag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`));
  return tag;
};

/** Sends an asset, revalidated by its ETag (RFC 9111 §5.2.2.4 no-cache: stored, but checked before each use). */
function send(req: Request, res: Response, asset: Asset): void {
  const body = asset.body();
  const etag = etagOf(body);
  res.setHeader('Content-Security-Policy', API_REFERENCE_CSP);
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('ETag', etag);
  if (req.headers['if-none-match'] === etag) {
    res.status(304).end();
    return;
  }
  res.type(asset.type).send(body);
}

/**
 * GET /docs: a reference page for the API (Swagger UI on this server's /openapi.json), served from the
 * swagger-ui-dist package's own files on this server: no CDN, so the page works offline and the policy
 * can forbid every other origin.
 */
export function apiReference(): Router {
  const router = Router();
  const page = own(PAGE, 'text/html; charset=utf-8');
  router.get('/docs', (req, res) => send(req, res, page));
  router.get('/docs/:asset', (req, res, next) => {
    const asset = Object.hasOwn(ASSETS, req.params.asset) ? ASSETS[req.params.asset] : undefined;
    if (!asset) return next();
    send(req, res, asset);
  });
  return router;
}
