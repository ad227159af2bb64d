// The approval queue (docs/approvals.md): the tenant's posts waiting for an approver,
// read from GET /v1/posts?status=pending_approval when the dashboard opens and kept live
// by the socket's "approval" messages (objects/publishing/approvals.ts), each with its
// approve and reject buttons. Rejecting asks for a reason in the item itself. What the
// signed-in key may not do (an agent's key, the post's own drafter, a key without
// approve:posts) is answered by the API, and its detail shown beside the post.
import { api } from "./api.js";
import { el, time } from "./format.js";

const REASONS = {
  agent: "drafted by an agent",
  key: "its key's posts wait",
  editor: "drafted by an editor",
};

/** Waiting posts by id; a post that no longer waits leaves. */
export class ApprovalQueue {
  posts = new Map();
  /** Answers to show beside a post, by id (an approval the API refused). */
  notes = new Map();
  /** While the queue is first read: the live changes heard meanwhile. */
  loading = null;

  replace(posts) {
    this.posts = new Map(posts.map((post) => [post.id, post]));
  }

  /** A post as it stands now (a live message, or the answer of a decision). */
  apply(post) {
    if (post.status === "pending_approval") this.posts.set(post.id, post);
    else {
      this.posts.delete(post.id);
      this.notes.delete(post.id);
    }
  }

  /** Newest first, as the API lists them. */
  list() {
    return [...this.posts.values()].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  }
}

/** Every waiting post the key may read (up to 500, five pages); null when it may not read posts. */
export async function loadQueue(key) {
  const posts = [];
  let cursor = null;
  try {
    for (let page = 0; page < 5; page++) {
      const query = `/v1/posts?status=pending_approval&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const body = await api(key, query);
      posts.push(...body.data);
      cursor = body.next_cursor;
      if (!cursor) break;
    }
  } catch {
    return null;
  }
  return posts;
}

export function approve(key, id) {
  return api(key, `/v1/posts/${id}/approve`, { method: "POST" });
}

export function reject(key, id, reason) {
  return api(key, `/v1/posts/${id}/reject`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ reason }),
  });
}

function item(post, note, actions) {
  const li = el("li", undefined, { class: "approval", "data-post-id": post.id });
  const meta = el("p", undefined, { class: "meta" });
  meta.append(
    el("span", post.platform, { class: "platform" }),
    el("span", REASONS[post.approval?.reason] ?? "waiting", { class: "badge waiting" }),
    el("span", post.scheduled_at ? `for ${time(post.scheduled_at)}` : "at once when approved"),
  );
  const text = el("p", post.text, { class: "text" });
  const buttons = el("div", undefined, { class: "actions" });
  const approveButton = el("button", "Approve", { type: "button", class: "approve" });
  const rejectButton = el("button", "Reject", { type: "button", class: "reject" });
  approveButton.addEventListener("click", () => actions.approve(post.id));
  rejectButton.addEventListener("click", () => actions.startReject(post.id));
  buttons.append(approveButton, rejectButton);
  li.append(meta, text, buttons);
  if (actions.rejecting === post.id) li.append(rejectForm(post.id, actions));
  if (note) li.append(el("p", note, { class: "error note", role: "alert" }));
  return li;
}

/** The reason asked for before a rejection: 1 to 1000 characters. */
function rejectForm(id, actions) {
  const form = el("form", undefined, { class: "reject-form" });
  const label = el("label", "Why may it not go out?", { for: `reason-${id}` });
  const reason = el("textarea", undefined, {
    id: `reason-${id}`,
    name: "reason",
    required: "",
    maxlength: "1000",
    rows: "3",
  });
  // The queue is drawn again when it changes: what was typed so far is kept.
  reason.value = actions.draftReason ?? "";
  reason.addEventListener("input", () => actions.keepReason(reason.value));
  const confirm = el("button", "Reject with this reason", { type: "submit", class: "reject" });
  const cancel = el("button", "Cancel", { type: "button", class: "quiet" });
  cancel.addEventListener("click", () => actions.cancelReject());
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = reason.value.trim();
    if (text) actions.reject(id, text);
  });
  form.append(label, reason, el("div", undefined, { class: "actions" }));
  form.lastChild.append(confirm, cancel);
  return form;
}

/**
 * Draws the queue. `actions`: approve(id), startReject(id), reject(id, reason),
 * cancelReject(), keepReason(text); `rejecting` the post whose reason is being asked for,
 * `draftReason` what was typed of it.
 */
export function renderQueue(list, queue, actions) {
  const rows = queue.list();
  list.replaceChildren(...rows.map((post) => item(post, queue.notes.get(post.id), actions)));
  return rows.length;
}
