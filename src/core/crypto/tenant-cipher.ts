// Encrypts and decrypts one tenant's secrets for one registered column.
import type { TenantKeyInfo } from "../auth/principal";
import { decryptBytes, decryptText, encryptBytes, encryptText, type TenantKeyRef } from "./envelope";
import { secretColumn, secretContext } from "./secret-columns";

export class TenantCipher {
  private readonly key: TenantKeyRef;

  constructor(
    masterKey: string,
    private readonly tenantId: string,
    tenantKey: TenantKeyInfo,
  ) {
    this.key = { masterKey, kmsKeyId: tenantKey.kmsKeyId, version: tenantKey.encryptionVersion };
  }

  get version(): number {
    return this.key.version;
  }

  encryptText(table: string, column: string, rowId: string, plaintext: string): Promise<string> {
    return encryptText(this.key, plaintext, secretContext(this.tenantId, secretColumn(table, column), rowId));
  }

  decryptText(table: string, column: string, rowId: string, stored: string): Promise<string> {
    return decryptText(this.key, stored, secretContext(this.tenantId, secretColumn(table, column), rowId));
  }

  encryptBytes(
    table: string,
    column: string,
    rowId: string,
    plaintext: Uint8Array<ArrayBuffer>,
  ): Promise<Uint8Array<ArrayBuffer>> {
    return encryptBytes(this.key, plaintext, secretContext(this.tenantId, secretColumn(table, column), rowId));
  }

  decryptBytes(table: string, column: string, rowId: string, stored: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
    return decryptBytes(this.key, stored, secretContext(this.tenantId, secretColumn(table, column), rowId));
  }
}

export function tenantCipher(env: Env, tenantId: string, tenantKey: TenantKeyInfo): TenantCipher {
  return new TenantCipher(env.KMS_MASTER_KEY, tenantId, tenantKey);
}
