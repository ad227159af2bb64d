// The sandbox platforms' sign-in and consent page (src/core/sandbox/consent-page.ts), as
// a person meets it: read the form, type the user's name and password, press Approve
// (or Deny). The page POSTs back to the platform's authorize path, which answers with
// the redirect to the app's callback. Tests sign each sandbox user in with the password
// sandboxPassword gives it, so the first sign-in sets it and later ones match.
import { expect } from "vitest";
import { ORIGIN } from "./http";

/** Opens a URL on the test origin, as a TestBrowser or a sandbox object's fetch does. */
export type Opener = (url: string | URL, init?: RequestInit) => Promise<Response>;

/** The password the tests sign sandbox user `user` in with. */
export function sandboxPassword(user: string): string {
  return `pw-${user}-sandbox`;
}

function htmlText(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

export interface SandboxPage {
  html: string;
  action: string;
  /** The request's own parameters, carried by the form. */
  hidden: URLSearchParams;
  /** The user's name as the page fills it in (from login_hint). */
  user: string;
}

/** Reads an authorize URL's answer as the sign-in page (200, HTML). */
export async function sandboxPage(res: Response): Promise<SandboxPage> {
  const html = await res.clone().text();
  expect(res.status, html).toBe(200);
  expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
  const action = /<form method="post" action="([^"]+)">/.exec(html)?.[1];
  if (!action) throw new Error(`the sandbox's page has no form:\n${html}`);
  const hidden = new URLSearchParams();
  for (const match of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    hidden.append(htmlText(match[1] as string), htmlText(match[2] as string));
  }
  const user = htmlText(/id="sandbox_user" name="sandbox_user" value="([^"]*)"/.exec(html)?.[1] ?? "");
  return { html, action: htmlText(action), hidden, user };
}

/** Submits the page's form as `user` (its filled-in name unless given) with a decision. */
export function submitSandboxPage(
  open: Opener,
  page: SandboxPage,
  options: { user?: string; password?: string; decision?: "approve" | "deny" } = {},
): Promise<Response> {
  // No name filled in (no login_hint): a new user, as a person signing up would be.
  const user = options.user ?? (page.user || `sb${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`);
  const form = new URLSearchParams(page.hidden);
  form.set("sandbox_user", user);
  form.set("sandbox_password", options.password ?? sandboxPassword(user));
  form.set("decision", options.decision ?? "approve");
  return open(page.action, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: form.toString(),
  });
}

/**
 * Opens the platform's authorize URL, signs in and approves: the page's answer (a 302
 * to the app's callback once approved), or the platform's refusal of the request.
 */
export async function approveAtSandbox(
  open: Opener | { open: Opener },
  authorizeUrl: string | URL,
  options: { user?: string; password?: string; decision?: "approve" | "deny" } = {},
): Promise<Response> {
  const opener: Opener = typeof open === "function" ? open : (url, init) => open.open(url, init);
  const opened = await opener(authorizeUrl);
  // Refused before any page (an unknown client, a scope withheld): that answer.
  if (opened.status !== 200) return opened;
  return submitSandboxPage(opener, await sandboxPage(opened), options);
}

/** An opener that calls a sandbox platform's object directly (no browser, no router). */
export function objectOpener(object: { fetch(request: Request): Promise<Response> }): Opener {
  return (url, init = {}) => object.fetch(new Request(new URL(url, ORIGIN), { ...init, redirect: "manual" }));
}
