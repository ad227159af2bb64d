// Whether a scheduled post's media URL will be taken when the post goes out, asked ahead
// of it (the pre-flight check: objects/publishing/preflight.ts) without fetching the
// media: a HEAD, or where the host refuses HEAD a GET of its first byte (Range: bytes=0-0,
// the body cancelled), with the conventions of the fetch that will follow (media.ts,
// ARCHITECTURE.md "Bounded inputs"): https only (each redirect too, at most three), one
// deadline, the declared type checked against what the platform takes and the declared
// size against its cap. A finding names the field and the kind of trouble, never the
// media host's own words. In development mode the sandbox's media host answers
// (src/core/sandbox/media-host.ts), as it does the adapters' fetches.
import { servedBytes, servedType } from "../sandbox/media-host";
import type { MediaField, MediaPolicy } from "./media";
import { platformReach } from "./mode";
import type { Platform } from "./types";

export type MediaFinding = { code: "media_unreachable" | "media_refused"; reason: string } | null;

export type Fetcher = (request: Request) => Promise<Response>;

const MAX_REDIRECTS = 3;
/** The probe's own deadline: it waits for headers only. */
export const PROBE_TIMEOUT_MS = 5_000;

const SANDBOX_TYPES: Record<string, string> = {
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  heic: "image/heic",
  mp4: "video/mp4",
  mov: "video/quicktime",
  svg: "image/svg+xml",
};

/** How the probe reaches media hosts here: the internet, or in development mode the sandbox's host. */
export function mediaFetcher(env: Env, platform: Platform): Fetcher {
  if (platformReach(env, platform).kind !== "sandbox") return (request) => fetch(request);
  return async (request) =>
    new Response(null, {
      headers: {
        "Content-Type": SANDBOX_TYPES[servedType(request.url)] ?? "application/octet-stream",
        "Content-Length": String(servedBytes(request.url).byteLength),
      },
    });
}

function httpsUrl(value: string | URL): URL | null {
  try {
    const url = new URL(value);
    return url.protocol === "https:" && !url.username && !url.password ? url : null;
  } catch {
    return null;
  }
}

/** The size a response declares: Content-Range's total of a ranged answer, else Content-Length. */
function declaredSize(response: Response): number | null {
  const total = /\/(\d+)$/.exec(response.headers.get("Content-Range") ?? "")?.[1];
  const size = Number(total ?? response.headers.get("Content-Length") ?? Number.NaN);
  return Number.isFinite(size) ? size : null;
}

async function ask(fetcher: Fetcher, url: URL, method: "HEAD" | "GET", signal: AbortSignal): Promise<Response> {
  const headers = method === "GET" ? { Range: "bytes=0-0" } : undefined;
  const response = await fetcher(new Request(url, { method, headers, redirect: "manual", signal }));
  // Nothing of a body is read: the probe wants the headers.
  await response.body?.cancel().catch(() => undefined);
  return response;
}

/** The answer at `url` (redirects followed, https each), or a finding. */
async function answerAt(fetcher: Fetcher, start: URL, field: MediaField, signal: AbortSignal) {
  let url = start;
  for (let hop = 0; ; hop++) {
    let response = await ask(fetcher, url, "HEAD", signal);
    // Hosts that refuse HEAD (405, 501, and signed URLs made for GET: 403) are asked for one byte.
    if ([403, 405, 501].includes(response.status)) response = await ask(fetcher, url, "GET", signal);
    const location = response.headers.get("Location");
    if (response.status < 300 || response.status >= 400 || !location) return response;
    if (hop >= MAX_REDIRECTS) return `${field} redirects more than ${MAX_REDIRECTS} times`;
    const next = httpsUrl(new URL(location, url));
    if (!next) return `${field} redirects to a URL that is not https`;
    url = next;
  }
}

/**
 * Whether the media at `url` will be taken at `field` under `policy`: null when it will,
 * otherwise the finding (unreachable: not https, no answer, an error status; refused:
 * a type the platform does not take, larger than its limit).
 */
export async function probeMedia(
  fetcher: Fetcher,
  url: string,
  field: MediaField,
  policy: MediaPolicy,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<MediaFinding> {
  const start = httpsUrl(url);
  if (!start) return { code: "media_unreachable", reason: `${field} is not an https URL this service may fetch` };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let answer: Response | string;
  try {
    answer = await answerAt(fetcher, start, field, controller.signal);
  } catch {
    const why = controller.signal.aborted ? `did not answer within ${timeoutMs} ms` : "could not be reached";
    return { code: "media_unreachable", reason: `${field}: the media host ${why}` };
  } finally {
    clearTimeout(timer);
  }
  if (typeof answer === "string") return { code: "media_unreachable", reason: answer };
  if (!answer.ok) {
    return {
      code: "media_unreachable",
      reason: `${field} could not be fetched (the media host answered ${Math.floor(answer.status / 100)}xx)`,
    };
  }
  const type = (answer.headers.get("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const cap = policy[type];
  if (cap === undefined) {
    return {
      code: "media_refused",
      reason: `${field} is served as ${/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/.test(type) ? type : "no declared media type"}; the platform takes ${Object.keys(policy).join(", ")}`,
    };
  }
  const size = declaredSize(answer);
  if (size !== null && size > cap) {
    return { code: "media_refused", reason: `${field} is ${size} bytes, larger than the platform's limit of ${cap}` };
  }
  return null;
}
