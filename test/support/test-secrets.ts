// Fixed secrets for tests only (never used anywhere else): tests must be repeatable.
export const TEST_SECRETS = {
  ADMIN_TOKEN: "test-admin-token-0123456789abcdef0123456789abcdef",
  // 32 bytes, base64.
  KMS_MASTER_KEY: "dGVzdC1tYXN0ZXIta2V5LTAxMjM0NTY3ODlhYmNkZWY=",
  SESSION_SECRET: "dGVzdC1zZXNzaW9uLXNlY3JldC0wMTIzNDU2Nzg5YWI=",
} as const;
