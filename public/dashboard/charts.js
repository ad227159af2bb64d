// Small SVG charts drawn from the dashboard's state: no library, nothing fetched. Each is
// drawn at the width its container has (one SVG unit, one CSS pixel), so its labels keep
// their size on a phone (style.css: 12 px) instead of shrinking with a scaled drawing; a
// narrow chart shows fewer time labels and shorter post names.
import { percent, short } from "./format.js";

/** Below this width a chart is narrow: two time labels, not three. */
const NARROW = 480;

/** The width to draw at: the container's, or a laptop's card before it is laid out. */
function widthOf(container) {
  return Math.max(240, Math.round(container.clientWidth || 640));
}

const NS = "http://www.w3.org/2000/svg";

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A per-minute area chart of one series, with its peak and time labels. */
export function renderSeries(container, points, field, label) {
  const width = widthOf(container);
  const height = 150;
  const pad = { left: 44, right: 10, top: 22, bottom: 22 };
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
    svg("text", { x: pad.left, y: 14, class: "label" }, label),
  );
  const total = points.reduce((sum, p) => sum + p[field], 0);
  chart.append(
    svg("text", { x: width - pad.right, y: 14, class: "label end", "data-total": total }, `${short(total)} in view`),
  );
  const last = points.length - 1;
  const ticks = width < NARROW ? [0, last] : [0, Math.floor(points.length / 2), last];
  for (const i of ticks) {
    const at = points[i]?.at;
    if (!at) continue;
    const hhmm = new Date(at).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
    // The first and last labels align with the chart's edges, so neither is cut off.
    const anchor = i === 0 ? "start" : i === last ? "end" : "middle";
    chart.append(svg("text", { x: x(i), y: height - 5, class: `tick ${anchor}` }, hhmm));
  }
  container.replaceChildren(chart);
}

/** Engagement rate of the best posts as bars, with the platform's median and p90 marked. */
export function renderRates(container, posts, benchmarks, texts) {
  const shown = posts
    .filter((p) => p.engagement_rate !== null)
    .sort((a, b) => b.engagement_rate - a.engagement_rate)
    .slice(0, 15);
  const rowHeight = 24;
  const width = widthOf(container);
  // The post's name takes at most 38% of the width (180 px on a laptop), its bar the rest.
  const left = Math.min(180, Math.round(width * 0.38));
  const nameLength = Math.max(8, Math.floor((left - 10) / 7));
  const height = Math.max(1, shown.length) * rowHeight + 8;
  const marks = Object.values(benchmarks).flatMap((b) => [b.median_engagement_rate ?? 0, b.p90_engagement_rate ?? 0]);
  const max = Math.max(0.0001, ...shown.map((p) => p.engagement_rate), ...marks);
  const x = (v) => left + (v / max) * (width - left - 64);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img" });
  chart.append(svg("title", {}, "Engagement rate by post"));
  shown.forEach((post, i) => {
    const top = 4 + i * rowHeight;
    const full = texts.get(post.post_id) ?? post.post_id;
    const name = full.length > nameLength ? `${full.slice(0, nameLength - 1)}…` : full;
    const bench = benchmarks[post.platform];
    chart.append(
      svg("text", { x: left - 6, y: top + 16, class: "tick end" }, name),
      svg("rect", {
        x: left,
        y: top + 4,
        width: Math.max(1, x(post.engagement_rate) - left),
        height: rowHeight - 8,
        class: `bar ${post.is_anomaly ? post.anomaly_type : ""}`,
      }),
      svg("text", { x: x(post.engagement_rate) + 4, y: top + 16, class: "tick" }, percent(post.engagement_rate, 1)),
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
