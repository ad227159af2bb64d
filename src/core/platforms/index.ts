// The adapter of a platform, configured from the environment.
import type { Clock } from "../clock";
import { platformConfig } from "./config";
import { FacebookAdapter } from "./facebook";
import { InstagramAdapter } from "./instagram";
import { LinkedInAdapter } from "./linkedin";
import type { Platform, PlatformAdapter } from "./types";
import { XAdapter } from "./x";

export function platformAdapter(env: Env, platform: Platform, origin?: string, clock?: Clock): PlatformAdapter {
  const config = platformConfig(env, platform, origin, clock);
  switch (platform) {
    case "linkedin":
      return new LinkedInAdapter(config);
    case "twitter":
      return new XAdapter(config);
    case "facebook":
      return new FacebookAdapter(config);
    case "instagram":
      return new InstagramAdapter(config);
  }
}
