// Calls to this origin's API with the signed-in key, and the key's keeping: this
// tab's session storage only, so closing the tab signs out.
const KEY = "dify-agent.api-key";

export function storedKey() {
  return sessionStorage.getItem(KEY);
}

export function storeKey(key) {
  sessionStorage.setItem(KEY, key);
}

export function forgetKey() {
  sessionStorage.removeItem(KEY);
}

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.status = status;
  }
}

export async function api(key, path, init = {}) {
  const response = await fetch(path, {
    ...init,
    headers: { Authorization: `Bearer ${key}`, ...(init.headers ?? {}) },
  });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

/** A single-use ticket for the live socket. */
export function liveTicket(key) {
  return api(key, "/v1/live/ticket", { method: "POST" });
}

/** The texts of the tenant's latest posts, by id (empty when the key may not read posts). */
export async function postTexts(key) {
  try {
    const page = await api(key, "/v1/posts?limit=100");
    return new Map(page.data.map((post) => [post.id, post.text]));
  } catch {
    return new Map();
  }
}
