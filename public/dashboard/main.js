// The dashboard: sign in with an API key, open the live socket, and redraw (at most
// once a frame) whenever a snapshot or an update arrives.
import { forgetKey, liveTicket, postTexts, storedKey, storeKey } from "./api.js";
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
  $("dashboard").hidden = true;
  $("sign-in").hidden = false;
  $("sign-out").hidden = true;
  setStatus("signed out");
  if (message) {
    $("sign-in-error").textContent = message;
    $("sign-in-error").hidden = false;
  }
}

async function open(key) {
  const first = await liveTicket(key);
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
  socket = connect({
    key,
    tenantId: tenantOf(first.url),
    firstTicket: first.ticket,
    onMessage: (message) => {
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
  const key = $("api-key").value.trim();
  try {
    await open(key);
    $("api-key").value = "";
  } catch (error) {
    signOut(error.status === 401 || error.status === 403 ? `Refused: ${error.message}` : String(error.message));
  }
});

$("sign-out").addEventListener("click", () => signOut());

// The chart's time axis moves on even when nothing happens.
setInterval(redraw, 30_000);

// A key in the fragment (the demo's printed URL) is taken once and removed from the
// address bar; fragments never reach the server.
const fromFragment = new URLSearchParams(location.hash.slice(1)).get("key");
if (fromFragment) history.replaceState(null, "", location.pathname);
const key = fromFragment ?? storedKey();
if (key) open(key).catch((error) => signOut(`Signed out: ${error.message}`));
