// The platforms a template or skill targets (the schema's CHECK): the four social
// platforms, or "all".
export const CONTENT_PLATFORMS = ["linkedin", "twitter", "instagram", "facebook", "all"] as const;
export type ContentPlatform = (typeof CONTENT_PLATFORMS)[number];
