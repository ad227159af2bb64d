// The TenantObject, over RPC, as a publish coordinator: every call is retried when
// the object was reset under it (each step is safe to repeat: attempts are keyed by
// their id, leases and outcomes by theirs).

import type { TokenStep } from "../../objects/publishing/account-tokens";
import type { TenantObject } from "../../objects/tenant-object";
import { retryOnReset } from "../objects";
import type { PublishCoordinator } from "./publish-flow";
import type { Answer, BeginStep } from "./types";

export function rpcCoordinator(object: DurableObjectStub<TenantObject>): PublishCoordinator {
  return {
    // RPC stubs type union results loosely; the casts restore the methods' own types.
    beginPublish: (input) => retryOnReset(async () => (await object.beginPublish(input)) as BeginStep),
    completeRefresh: (accountId, leaseId, outcome) =>
      retryOnReset(async () => (await object.completeRefresh(accountId, leaseId, outcome)) as TokenStep),
    reacquireToken: (accountId, version) =>
      retryOnReset(async () => (await object.reacquireToken(accountId, version)) as TokenStep),
    finishPublish: (attemptId, outcome) =>
      retryOnReset(async () => (await object.finishPublish(attemptId, outcome)) as Answer),
  };
}
