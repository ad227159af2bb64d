// Every /v1 route the security matrix walks; coverage.test.ts fails when a documented
// route is missing here.
import type { RouteCase } from "../route-case";
import { ANALYTICS_ROUTES } from "./analytics";
import { CONTENT_ROUTES } from "./content";
import { IDENTITY_ROUTES } from "./identity";
import { PUBLISHING_ROUTES } from "./publishing";
import { REPORT_ROUTES } from "./reports";

export const ROUTES: RouteCase[] = [
  ...IDENTITY_ROUTES,
  ...PUBLISHING_ROUTES,
  ...CONTENT_ROUTES,
  ...ANALYTICS_ROUTES,
  ...REPORT_ROUTES,
];
