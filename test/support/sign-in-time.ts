// The sign-in throttle's waits count from an address's last failure at an account
// (objects/identity/login-throttle.ts). Putting the tenant's object clock back at that
// failure makes the next request see the whole wait, whatever time the test itself
// took: only that request's latency passes, well under the schedule's first 2 seconds.
import { objectRows, setObjectClockTo } from "./object-time";

/** When the object counted the last failure of `address` (as the throttle keys it) at `account`. */
export async function lastSignInFailureAt(tenantId: string, account: string, address: string): Promise<number> {
  const [row] = await objectRows<{ last_at_ms: number }>(
    tenantId,
    "SELECT last_at_ms FROM login_failures WHERE account = ? AND address = ?",
    account,
    address,
  );
  if (!row) throw new Error(`no failures of ${address} at ${account}`);
  return row.last_at_ms;
}

/** Sets the object's clock to that last failure, plus `laterMs`. */
export async function atLastSignInFailure(
  tenantId: string,
  account: string,
  address: string,
  laterMs = 0,
): Promise<void> {
  await setObjectClockTo(tenantId, (await lastSignInFailureAt(tenantId, account, address)) + laterMs);
}
