// Scheduled posts at risk (docs/publishing.md, "Pre-flight checks"): read once from
// GET /v1/posts?at_risk=true when the dashboard opens (a key that may read posts), then
// kept live by the socket's "at_risk" messages (objects/publishing/preflight.ts): a post
// found at risk is added or updated, one whose risk was cleared is removed.
import { api } from "./api.js";
import { el, time } from "./format.js";

export class AtRiskList {
  posts = new Map();

  /** The posts at risk as the API lists them (null when the key may not read posts). */
  replace(posts) {
    this.posts = new Map(posts.map((post) => [post.id, post]));
  }

  /** Takes a socket message: true when it was an at-risk change (and was applied). */
  apply(message) {
    if (message.type !== "at_risk") return false;
    const post = message.post;
    if (post.at_risk) this.posts.set(post.id, { ...this.posts.get(post.id), ...post });
    else this.posts.delete(post.id);
    return true;
  }

  /** Soonest first: the one to fix first. */
  list() {
    return [...this.posts.values()].sort((a, b) => (a.scheduled_at ?? "").localeCompare(b.scheduled_at ?? ""));
  }
}

/** The tenant's scheduled posts at risk; null when the key may not read posts. */
export async function loadAtRisk(key) {
  try {
    const page = await api(key, "/v1/posts?at_risk=true&limit=100");
    return page.data;
  } catch {
    return null;
  }
}

/** Draws the list into `tbody`; how many posts are at risk. */
export function renderAtRisk(tbody, list, texts) {
  const rows = list.list().map((post) => {
    const tr = el("tr", undefined, { "data-post-id": post.id, "data-risk": post.at_risk.code });
    const text = texts.get(post.id) ?? post.text;
    tr.append(
      el("td", text ? text.slice(0, 80) : post.id, { class: "post", title: text ?? post.id }),
      el("td", post.platform),
      el("td", post.scheduled_at ? time(post.scheduled_at) : "–"),
    );
    const risk = el("td");
    risk.append(el("span", "at risk", { class: "badge risk", title: post.at_risk.code }), " ", post.at_risk.reason);
    tr.append(risk);
    return tr;
  });
  tbody.replaceChildren(...rows);
  return rows.length;
}
