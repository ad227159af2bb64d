// Fixed secrets for tests only (never used anywhere else): tests must be repeatable.
export const TEST_SECRETS = {
  ADMIN_TOKEN: "test-admin-token-0123456789abcdef0123456789abcdef",
  // 32 bytes, base64.
  KMS_MASTER_KEY: "dGVzdC1tYXN0ZXIta2V5LTAxMjM0NTY3ODlhYmNkZWY=",
  SESSION_SECRET: "dGVzdC1zZXNzaW9uLXNlY3JldC0wMTIzNDU2Nzg5YWI=",
  // The Stripe webhook's signing secret (test/billing signs events with it).
  STRIPE_WEBHOOK_SECRET: "whsec_test_0123456789abcdef0123456789abcdef",
} as const;

/**
 * The production project's one configured platform (vitest.config.ts): LinkedIn's app
 * credentials, with its endpoints moved to a host the tests answer for (a fetch spy),
 * since tests cannot reach the internet. Every other platform has no credentials.
 */
export const TEST_LIVE_LINKEDIN = {
  LINKEDIN_CLIENT_ID: "test-linkedin-app",
  LINKEDIN_CLIENT_SECRET: "test-linkedin-secret",
  LINKEDIN_AUTH_BASE: "https://linkedin.platform.test",
  LINKEDIN_TOKEN_BASE: "https://linkedin.platform.test",
  LINKEDIN_API_BASE: "https://linkedin.platform.test",
} as const;
