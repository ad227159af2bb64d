// settings.rate_limits may only lower a platform's publishing window
// (src/core/platforms/publish-windows.ts): PATCH /v1/tenant and POST /v1/tenants refuse a
// raise with a 400 naming the field, before anything is written. zod cannot make the
// check alone: it depends on how this deployment reaches each platform.

import { invalidField } from "../../core/field-error";
import { raisedWindow, type WindowOverride, windowsCapped } from "../../core/platforms/publish-windows";
import type { Platform } from "../../core/platforms/types";

export function refuseRaisedWindows(
  env: Env,
  settings: { rate_limits?: Partial<Record<Platform, WindowOverride>> } | undefined,
): void {
  for (const [platform, override] of Object.entries(settings?.rate_limits ?? {}) as [Platform, WindowOverride][]) {
    if (!windowsCapped(env, platform)) continue;
    const raised = raisedWindow(platform, override);
    if (raised) throw invalidField(`settings.rate_limits.${platform}.${raised.field}`, raised.message);
  }
}
