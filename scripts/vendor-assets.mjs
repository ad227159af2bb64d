// Copies the browser files the pages serve from this origin out of pinned npm
// packages into public/vendor (git-ignored), so nothing is fetched from a CDN.
// Runs after `npm install` / `npm ci` and before start, test and deploy.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const FILES = [
  ["node_modules/swagger-ui-dist/swagger-ui-bundle.js", "public/vendor/swagger-ui/swagger-ui-bundle.js"],
  ["node_modules/swagger-ui-dist/swagger-ui.css", "public/vendor/swagger-ui/swagger-ui.css"],
  // The dashboard's live socket client (ES modules; index.js imports ./ws.js).
  ["node_modules/partysocket/dist/index.js", "public/vendor/partysocket/index.js"],
  ["node_modules/partysocket/dist/ws.js", "public/vendor/partysocket/ws.js"],
];

for (const [from, to] of FILES) {
  mkdirSync(dirname(join(root, to)), { recursive: true });
  copyFileSync(join(root, from), join(root, to));
}
