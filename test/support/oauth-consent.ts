// The consent page of a forwarded OAuth start URL (src/router/http/oauth-consent-page.ts), as
// a person in a browser meets it: read what it names, and press its button (a POST of
// its form, with the browser's cookies and the Sec-Fetch-Site a browser sends).
import { expect } from "vitest";
import type { TestBrowser } from "./browser";

export interface ConsentPage {
  html: string;
  action: string;
  state: string;
  token: string;
  /** The texts of the page's tenant, asked-by and platform fields, unescaped as a browser shows them. */
  tenant: string;
  askedBy: string;
  platform: string;
}

function htmlText(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

function field(html: string, pattern: RegExp, label: string): string {
  const match = pattern.exec(html);
  if (!match?.[1]) throw new Error(`the consent page has no ${label}:\n${html}`);
  return htmlText(match[1]);
}

/** Reads a start URL's answer as the consent page (200, HTML, no redirect). */
export async function consentPage(res: Response): Promise<ConsentPage> {
  const html = await res.clone().text();
  expect(res.status, html).toBe(200);
  expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
  expect(res.headers.get("Location")).toBeNull();
  return {
    html,
    action: field(html, /<form method="post" action="([^"]+)">/, "form"),
    state: field(html, /<input type="hidden" name="state" value="([^"]+)">/, "state"),
    token: field(html, /<input type="hidden" name="token" value="([^"]+)">/, "token"),
    tenant: field(html, /<strong id="tenant">([^<]*)<\/strong>/, "tenant"),
    askedBy: field(html, /<strong id="asked-by">([^<]*)<\/strong>/, "asked-by"),
    platform: field(html, /<strong id="platform">([^<]*)<\/strong>/, "platform"),
  };
}

/** Submits `form` (a page's fields, perhaps changed by the test) from `browser`. */
export function submitConsent(
  browser: TestBrowser,
  form: { action: string; state: string; token: string },
): Promise<Response> {
  return browser.open(form.action, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin" },
    body: new URLSearchParams({ state: form.state, token: form.token }).toString(),
  });
}
