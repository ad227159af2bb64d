// draft_post's `platform`: the tenant's one active account on that platform stands for
// `account_id`. Read through the API too (GET /v1/social-accounts, with the caller's
// credential, so a key that may not read accounts is refused as it would be there).
import { PLATFORMS } from "../../core/platforms/types";
import type { Problem } from "../../core/problem";
import { type ApiAnswer, argumentProblem, type Caller, callOperation, type Dispatch } from "./dispatch";

interface AccountPage {
  data: { id: string; handle: string | null; status: string }[];
}

/**
 * `args` with `platform` replaced by the account it names; or the problem: none or
 * several active accounts there (the latter names them), or the listing's own refusal.
 */
export async function withAccountOfPlatform(
  dispatch: Dispatch,
  caller: Caller,
  args: Record<string, unknown>,
): Promise<{ args: Record<string, unknown> } | { problem: Problem } | { refused: ApiAnswer }> {
  const { platform, ...rest } = args;
  if (platform === undefined) return { args };
  if (rest.account_id !== undefined)
    return { problem: argumentProblem("platform", "give account_id or platform, not both") };
  if (!(PLATFORMS as readonly unknown[]).includes(platform)) {
    return { problem: argumentProblem("platform", `must be one of ${PLATFORMS.join(", ")}`) };
  }
  const url = new URL("/v1/social-accounts", caller.origin);
  url.search = new URLSearchParams({ platform: String(platform), status: "active", limit: "100" }).toString();
  const answer = await callOperation(
    dispatch,
    new Request(url, {
      headers: { ...caller.forwarded, Authorization: caller.authorization, Accept: "application/json" },
    }),
  );
  if (answer.status !== 200) return { refused: answer };
  const accounts = (answer.body as AccountPage).data;
  const only = accounts[0];
  if (accounts.length === 1 && only) return { args: { ...rest, account_id: only.id } };
  if (accounts.length === 0)
    return { problem: argumentProblem("platform", `the tenant has no active ${platform} account`) };
  const named = accounts.map((a) => `${a.id}${a.handle ? ` (@${a.handle})` : ""}`).join(", ");
  return {
    problem: argumentProblem(
      "platform",
      `the tenant has ${accounts.length} active ${platform} accounts; give account_id: ${named}`,
    ),
  };
}
