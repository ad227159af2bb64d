// A browser for tests: keeps the cookies the Worker sets (as a browser would for
// this origin) and sends them back, and does not follow redirects on its own, so a
// test sees every hop of an OAuth flow.
import { exports } from "cloudflare:workers";
import { ORIGIN } from "./http";

export class TestBrowser {
  private readonly cookies = new Map<string, string>();

  /** Opens `url` (absolute, or a path on the test origin) with this browser's cookies. */
  async open(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) {
      headers.set("Cookie", [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; "));
    }
    const response = await exports.default.fetch(
      new Request(new URL(url, ORIGIN), { ...init, headers, redirect: "manual" }),
    );
    this.remember(response);
    return response;
  }

  /** Takes the cookies of a response this browser did not request itself (a fetch of its page). */
  remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const separator = pair?.indexOf("=") ?? -1;
      if (!pair || separator < 1) continue;
      const name = pair.slice(0, separator).trim();
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(separator + 1).trim());
    }
  }

  /** The names of the cookies it holds. */
  cookieNames(): string[] {
    return [...this.cookies.keys()];
  }
}
