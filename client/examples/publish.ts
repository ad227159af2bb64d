// A publishing client written with the typed client (docs/client.md):
// connect an account, publish with an Idempotency-Key, read the post's analytics, and
// wait out a 429 by its Retry-After. Type-checked with the project; exercised against
// a running Worker by e2e/client-example.e2e.ts.
import { type ApiClient, ApiError, createApiClient, ok, type Schema } from "../index.ts";

/** Connects a `platform` account: your user's browser must open the URL the API answers. */
export async function connectAccount(
  api: ApiClient,
  platform: Schema<"SocialAccount">["platform"],
  openInBrowser: (authorizeUrl: string) => Promise<void>,
): Promise<Schema<"SocialAccount">> {
  const connection = await ok(
    api.POST("/v1/social-accounts/{platform}/connect", { params: { path: { platform } }, body: {} }),
  );
  // A bearer link until a browser opens it: hand it to your own user, at once.
  await openInBrowser(connection.authorize_url);
  const { data } = await ok(api.GET("/v1/social-accounts", { params: { query: { limit: 100 } } }));
  const account = data
    .filter((a) => a.platform === platform && a.status === "active")
    .sort((a, b) => b.created_at.localeCompare(a.created_at))[0];
  if (!account) throw new Error(`no ${platform} account was connected`);
  return account;
}

/**
 * Publishes `post` once, however often it is called with the same key: a repeat answers
 * the first result. A full window (429) or an unavailable platform (503) published
 * nothing, so the same request goes again after its Retry-After when that is at most
 * `maxWaitSeconds`. A longer one (LinkedIn's daily limits hold until midnight UTC) is
 * thrown at once with its Retry-After: schedule the post for then instead of waiting.
 */
export async function publish(
  api: ApiClient,
  post: Schema<"CreatePost">,
  idempotencyKey: string = crypto.randomUUID(),
  maxWaits = 3,
  maxWaitSeconds = 60,
): Promise<Schema<"Post">> {
  for (let waits = 0; ; waits++) {
    const { data, error, response } = await api.POST("/v1/posts", {
      params: { header: { "idempotency-key": idempotencyKey } },
      body: post,
    });
    if (data) return data;
    const retryAfter = Number(response.headers.get("Retry-After"));
    const retryable = response.status === 429 || response.status === 503;
    if (!retryable || !(retryAfter > 0) || retryAfter > maxWaitSeconds || waits >= maxWaits) {
      throw new ApiError(response.status, error, response.headers);
    }
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
  }
}

/** A post's live figures: counters, engagement rate, velocity, score, anomaly. */
export function analyticsOf(api: ApiClient, postId: string): Promise<Schema<"PostAnalytics">> {
  return ok(api.GET("/v1/posts/{id}/analytics", { params: { path: { id: postId } } }));
}

/** The whole story, as docs/client.md shows it. */
export async function launch(origin: string, apiKey: string, openInBrowser: (url: string) => Promise<void>) {
  const api = createApiClient(origin, { token: apiKey });
  const account = await connectAccount(api, "linkedin", openInBrowser);
  const post = await publish(api, { account_id: account.id, text: "Next-day rebar, now in Leeds." }, "launch-leeds");
  return { account, post, figures: await analyticsOf(api, post.id) };
}
