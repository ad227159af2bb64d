// account.connected (docs/webhooks.md, "Events"): emitted when the router tells the
// object an account was connected or reconnected (accountConnected, after the shard has
// the account). The account's names are read from the shard, only when an endpoint may
// want the event. account.revoked and account.refresh_failed are emitted where a
// refresh's answer is recorded (objects/publishing/account-tokens.ts).
import { getAccount } from "../../src/core/db/social-accounts";
import { tenantScope } from "../../src/core/db/tenant-scope";
import type { TenantParts } from "../tenant-object/parts";
import { emitAccountEvent, eventAccount } from "./post-events";

export async function accountConnectedEvent(
  parts: Pick<TenantParts, "env" | "tenantId" | "webhooks">,
  accountId: string,
): Promise<void> {
  if (!parts.webhooks.wanted("account.connected")) return;
  const row = await getAccount(await tenantScope(parts.env, parts.tenantId), accountId);
  if (row?.status !== "active") return;
  const account = eventAccount({ accountId, platform: row.platform }, row);
  emitAccountEvent(parts.webhooks, "account.connected", account);
}
