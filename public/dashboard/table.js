// The posts table: one row per post, figures in cells the tests and eyes can find
// (data-metric), anomalies highlighted with their z-score.
import { count, el, percent, perHour, time } from "./format.js";

const COUNTS = ["impressions", "reach", "likes", "comments", "shares", "clicks"];

function anomalyCell(post) {
  if (!post.is_anomaly) return el("td", "", { "data-metric": "anomaly" });
  const label = post.anomaly_type === "high" ? "above normal" : "below normal";
  const cell = el("td", undefined, { "data-metric": "anomaly" });
  cell.append(el("span", `${label} (z ${post.z_score.toFixed(1)})`, { class: `badge ${post.anomaly_type}` }));
  return cell;
}

function row(post, text) {
  const tr = el("tr", undefined, { "data-post-id": post.post_id });
  if (post.is_anomaly) tr.classList.add("anomaly", post.anomaly_type);
  const title = el("td", text ? text.slice(0, 80) : post.post_id, { class: "post", title: text ?? post.post_id });
  tr.append(title, el("td", post.platform), el("td", time(post.published_at)));
  for (const metric of COUNTS) tr.append(el("td", count(post[metric]), { class: "num", "data-metric": metric }));
  tr.append(
    el("td", percent(post.engagement_rate), { class: "num", "data-metric": "engagement_rate" }),
    el("td", perHour(post.engagement_velocity_1h), { class: "num", "data-metric": "velocity_1h" }),
    el("td", String(Math.round(post.performance_score)), {
      class: "num",
      "data-metric": "performance_score",
      title: `engagement ${post.performance_score_breakdown.engagement}, reach ${post.performance_score_breakdown.reach}, shares ${post.performance_score_breakdown.shares} (${post.performance_score_breakdown.basis})`,
    }),
    anomalyCell(post),
  );
  return tr;
}

export function renderPosts(tbody, posts, texts) {
  tbody.replaceChildren(...posts.map((post) => row(post, texts.get(post.post_id))));
}

export function renderBenchmarks(tbody, benchmarks) {
  const rows = Object.entries(benchmarks).map(([platform, b]) => {
    const tr = el("tr", undefined, { "data-platform": platform });
    tr.append(
      el("td", platform),
      el("td", percent(b.median_engagement_rate), { class: "num" }),
      el("td", percent(b.p90_engagement_rate), { class: "num" }),
      el("td", count(b.p90_reach), { class: "num" }),
      el("td", percent(b.p90_share_rate), { class: "num" }),
    );
    return tr;
  });
  tbody.replaceChildren(...rows);
  return rows.length;
}
