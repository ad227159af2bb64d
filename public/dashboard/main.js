// The dashboard: sign in with an API key, open the live socket, and redraw (at most
// once a frame) whenever a snapshot or an update arrives, or the window's width changes
// (the charts are drawn at the width they are shown at). The approval queue is drawn
// when it changes (approvals.js).
import { forgetKey, liveTicket, postTexts, storedKey, storeKey } from "./api.js";
import { ApprovalQueue, approve, loadQueue, reject, renderQueue } from "./approvals.js";
import { AtRiskList, loadAtRisk, renderAtRisk } from "./at-risk.js";
import { renderRates, renderSeries } from "./charts.js";
import { connect, tenantOf } from "./live.js";
import { DashboardState } from "./state.js";
import { renderBenchmarks, renderPosts } from "./table.js";

const $ = (id) => document.getElementById(id);
let socket = null;
let state = new DashboardState();
let frame = 0;
let atRisk = new AtRiskList();
let queue = new ApprovalQueue();
let key = null;
/** The post whose rejection reason is being asked for, and what was typed of it. */
let rejecting = null;
let draftReason = "";

function setStatus(text) {
  $("status").textContent = text;
  $("status").dataset.state = text;
}

function draw() {
  frame = 0;
  const posts = state.postList();
  renderPosts($("posts").tBodies[0], posts, state.texts);
  $("posts-empty").hidden = posts.length > 0;
  $("post-count").textContent = `${posts.length} posts`;
  const span = state.window();
  const minutes = state.minutes(span);
  $("chart-span").textContent = span >= 120 ? `last ${Math.round(span / 60)} hours` : `last ${span} minutes`;
  renderSeries($("chart-engagement"), minutes, "engagements", "Engagements");
  renderSeries($("chart-impressions"), minutes, "impressions", "Impressions");
  renderRates($("chart-rates"), posts, state.benchmarks, state.texts);
  $("benchmarks-empty").hidden = renderBenchmarks($("benchmarks").tBodies[0], state.benchmarks) > 0;
}

function redraw() {
  if (!frame) frame = requestAnimationFrame(draw);
}

const queueActions = {
  approve: (id) => decide(id, () => approve(key, id)),
  startReject: (id) => {
    rejecting = id;
    draftReason = "";
    drawQueue();
    document.getElementById(`reason-${id}`)?.focus();
  },
  reject: (id, reason) => decide(id, () => reject(key, id, reason)),
  cancelReject: () => {
    rejecting = null;
    drawQueue();
  },
  keepReason: (text) => {
    draftReason = text;
  },
};

/** Approves or rejects: the post as it stands after, or the API's refusal shown beside it. */
async function decide(id, call) {
  try {
    const post = await call();
    if (rejecting === id) rejecting = null;
    queue.apply(post);
  } catch (error) {
    queue.notes.set(id, error.message);
  }
  drawQueue();
}

function drawQueue() {
  const count = renderQueue($("approval-queue"), queue, { ...queueActions, rejecting, draftReason });
  $("approvals-empty").hidden = count > 0;
  $("approval-count").textContent = count ? `${count} ${count === 1 ? "post" : "posts"}` : "";
}

/** The scheduled posts at risk (at-risk.js): shown only to a key that may read posts. */
function drawAtRisk() {
  const count = renderAtRisk($("at-risk").tBodies[0], atRisk, state.texts);
  $("at-risk-empty").hidden = count > 0;
  $("at-risk-count").textContent = count ? `${count} ${count === 1 ? "post" : "posts"}` : "";
}

function signOut(message) {
  socket?.close();
  socket = null;
  forgetKey();
  state = new DashboardState();
  atRisk = new AtRiskList();
  $("at-risk-card").hidden = true;
  queue = new ApprovalQueue();
  key = null;
  $("dashboard").hidden = true;
  $("sign-in").hidden = false;
  $("sign-out").hidden = true;
  setStatus("signed out");
  if (message) {
    $("sign-in-error").textContent = message;
    $("sign-in-error").hidden = false;
  }
}

async function open(signedIn) {
  const first = await liveTicket(signedIn);
  key = signedIn;
  storeKey(key);
  $("sign-in").hidden = true;
  $("sign-in-error").hidden = true;
  $("dashboard").hidden = false;
  $("sign-out").hidden = false;
  setStatus("connecting");
  postTexts(key).then((texts) => {
    state.texts = texts;
    redraw();
  });
  // Posts at risk, for a key that may read posts; the socket keeps the list live.
  loadAtRisk(key).then((posts) => {
    if (!posts) return;
    atRisk.replace(posts);
    $("at-risk-card").hidden = false;
    drawAtRisk();
  });
  // The queue, for a key that may read posts; the socket keeps it live from here.
  // Changes heard while it loads are applied again after it: they may be newer than its read.
  const heard = [];
  queue.loading = heard;
  loadQueue(key).then((posts) => {
    if (queue.loading !== heard) return;
    queue.loading = null;
    if (!posts) return;
    queue.replace(posts);
    for (const post of heard) queue.apply(post);
    $("approvals").hidden = false;
    drawQueue();
  });
  socket = connect({
    key,
    tenantId: tenantOf(first.url),
    firstTicket: first.ticket,
    onMessage: (message) => {
      if (message.type === "approval") {
        queue.loading?.push(message.post);
        queue.apply(message.post);
        if (!$("approvals").hidden) drawQueue();
        return;
      }
      if (atRisk.apply(message)) {
        if (!$("at-risk-card").hidden) drawAtRisk();
        return;
      }
      state.apply(message);
      redraw();
    },
    onState: setStatus,
    onUnauthorized: (error) => signOut(`Signed out: ${error.message}`),
  });
}

$("sign-in-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const typed = $("api-key").value.trim();
  try {
    await open(typed);
    $("api-key").value = "";
  } catch (error) {
    signOut(error.status === 401 || error.status === 403 ? `Refused: ${error.message}` : String(error.message));
  }
});

$("sign-out").addEventListener("click", () => signOut());

// The chart's time axis moves on even when nothing happens.
setInterval(redraw, 30_000);
// The charts are drawn at their width: again when it changes (a phone turned, a window resized).
window.addEventListener("resize", redraw);

// A key in the fragment (the demo's printed URL) is taken once and removed from the
// address bar; fragments never reach the server.
const fromFragment = new URLSearchParams(location.hash.slice(1)).get("key");
if (fromFragment) history.replaceState(null, "", location.pathname);
const remembered = fromFragment ?? storedKey();
if (remembered) open(remembered).catch((error) => signOut(`Signed out: ${error.message}`));
