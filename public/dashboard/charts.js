// Small SVG charts drawn from the dashboard's state: no library, nothing fetched.
import { percent, short } from "./format.js";

const NS = "http://www.w3.org/2000/svg";

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A per-minute area chart of one series, with its peak and time labels. */
export function renderSeries(container, points, field, label) {
  const width = 640;
  const height = 120;
  const pad = { left: 44, right: 8, top: 16, bottom: 18 };
  const max = Math.max(1, ...points.map((p) => p[field]));
  const x = (i) => pad.left + (i / Math.max(1, points.length - 1)) * (width - pad.left - pad.right);
  const y = (v) => height - pad.bottom - (v / max) * (height - pad.top - pad.bottom);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "data-series": field });
  chart.append(svg("title", {}, `${label} per minute`));
  const line = points.map((p, i) => `${x(i).toFixed(1)},${y(p[field]).toFixed(1)}`).join(" ");
  const base = height - pad.bottom;
  chart.append(
    svg("polygon", { points: `${pad.left},${base} ${line} ${x(points.length - 1)},${base}`, class: "area" }),
    svg("polyline", { points: line, class: "line" }),
    svg("line", { x1: pad.left, x2: width - pad.right, y1: base, y2: base, class: "axis" }),
    svg("text", { x: pad.left - 4, y: pad.top + 4, class: "tick end" }, short(max)),
    svg("text", { x: pad.left - 4, y: base, class: "tick end" }, "0"),
    svg("text", { x: pad.left, y: 11, class: "label" }, label),
  );
  const total = points.reduce((sum, p) => sum + p[field], 0);
  chart.append(
    svg("text", { x: width - pad.right, y: 11, class: "label end", "data-total": total }, `${short(total)} in view`),
  );
  for (const i of [0, Math.floor(points.length / 2), points.length - 1]) {
    const at = points[i]?.at;
    if (!at) continue;
    const hhmm = new Date(at).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
    chart.append(svg("text", { x: x(i), y: height - 4, class: "tick middle" }, hhmm));
  }
  container.replaceChildren(chart);
}

/** Engagement rate of the best posts as bars, with the platform's median and p90 marked. */
export function renderRates(container, posts, benchmarks, texts) {
  const shown = posts
    .filter((p) => p.engagement_rate !== null)
    .sort((a, b) => b.engagement_rate - a.engagement_rate)
    .slice(0, 15);
  const rowHeight = 18;
  const width = 640;
  const left = 180;
  const height = Math.max(1, shown.length) * rowHeight + 8;
  const marks = Object.values(benchmarks).flatMap((b) => [b.median_engagement_rate ?? 0, b.p90_engagement_rate ?? 0]);
  const max = Math.max(0.0001, ...shown.map((p) => p.engagement_rate), ...marks);
  const x = (v) => left + (v / max) * (width - left - 60);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img" });
  chart.append(svg("title", {}, "Engagement rate by post"));
  shown.forEach((post, i) => {
    const top = 4 + i * rowHeight;
    const name = (texts.get(post.post_id) ?? post.post_id).slice(0, 28);
    const bench = benchmarks[post.platform];
    chart.append(
      svg("text", { x: left - 6, y: top + 12, class: "tick end" }, name),
      svg("rect", {
        x: left,
        y: top + 2,
        width: Math.max(1, x(post.engagement_rate) - left),
        height: rowHeight - 6,
        class: `bar ${post.is_anomaly ? post.anomaly_type : ""}`,
      }),
      svg("text", { x: x(post.engagement_rate) + 4, y: top + 12, class: "tick" }, percent(post.engagement_rate, 1)),
    );
    if (bench?.median_engagement_rate != null) {
      const at = x(bench.median_engagement_rate);
      chart.append(svg("line", { x1: at, x2: at, y1: top, y2: top + rowHeight, class: "median" }));
    }
    if (bench?.p90_engagement_rate != null) {
      const at = x(bench.p90_engagement_rate);
      chart.append(svg("line", { x1: at, x2: at, y1: top, y2: top + rowHeight, class: "p90" }));
    }
  });
  container.replaceChildren(chart);
}
