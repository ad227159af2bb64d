// GET /docs: the API reference, rendered by Swagger UI from /openapi.json.
// Every script and style comes from this origin (public/vendor, copied from the
// pinned swagger-ui-dist by scripts/vendor-assets.mjs), so it works offline; the CSP
// makes the browser refuse anything else.
import { createRouter } from "../http/app-env";

const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>DIFY-AGENT API reference</title>
  <link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css">
  <link rel="icon" href="data:,">
</head>
<body>
  <div id="api-reference"></div>
  <script src="/vendor/swagger-ui/swagger-ui-bundle.js"></script>
  <script src="/docs.js"></script>
</body>
</html>`;

export const docsRoutes = createRouter().get("/docs", (c) =>
  c.html(DOCS_HTML, 200, {
    "Content-Security-Policy":
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'",
  }),
);
