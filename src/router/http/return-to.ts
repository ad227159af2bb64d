// Where a browser may be sent after the OAuth callback: a path on this site, and
// nothing that a browser could read as another site. Checked on the NORMALISED form:
// "/.//evil.example/x" passes a naive "starts with one slash" test, yet resolves to
// the path "//evil.example/x", which a browser following `Location:` reads as a
// network-path reference to evil.example: an open redirect. So the value is resolved
// against an origin with the URL parser, must stay on that origin, and is
// re-serialised; the result must still be a single-slash path. Backslashes (read as
// slashes by URL parsers), control characters (tabs and newlines are stripped
// by them) and percent-encoded slashes or backslashes are refused outright.
const PROBE_ORIGIN = "https://return-to.invalid";
export const RETURN_TO_MAX_LENGTH = 500;

/** The normalised same-site path `value` stands for, or null when it is not one. */
export function sameSitePath(value: string): string | null {
  if (value.length === 0 || value.length > RETURN_TO_MAX_LENGTH || !value.startsWith("/")) return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\\\u0000-\u001f\u007f]/.test(value) || /%(2f|5c)/i.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value, PROBE_ORIGIN);
  } catch {
    return null;
  }
  if (url.origin !== PROBE_ORIGIN) return null;
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (!path.startsWith("/") || path.startsWith("//") || /%(2f|5c)/i.test(path)) return null;
  return path;
}

/** `path` (already a same-site path) with `params` added to its query, still a same-site path. */
export function withQuery(path: string, params: Record<string, string>): string {
  const url = new URL(path, PROBE_ORIGIN);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return sameSitePath(`${url.pathname}${url.search}${url.hash}`) ?? "/";
}
