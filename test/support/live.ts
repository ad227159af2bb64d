// Live dashboard sockets in tests: tickets, upgrades through the Worker, and sockets
// that collect what they receive (and how they were closed).
import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import { call, json } from "./http";

export interface Ticket {
  ticket: string;
  url: string;
  expires_at: string;
}

export interface LiveMessage {
  type: "snapshot" | "update" | "benchmarks";
  posts: { post_id: string; likes: number; impressions: number }[];
  series: { at: string; engagements: number; impressions: number }[];
}

export interface OpenSocket {
  socket: WebSocket;
  messages: LiveMessage[];
  /** The close frame the server sent, once it did. */
  closed: { code: number; reason: string } | null;
}

export async function ticketFor(token: string): Promise<Ticket> {
  const res = await call("/v1/live/ticket", { method: "POST", token });
  expect(res.status, await res.clone().text()).toBe(201);
  return json<Ticket>(res);
}

export function upgrade(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return exports.default.fetch(
    new Request(`https://api.test${path}`, { headers: { ...headers, Upgrade: "websocket" } }),
  );
}

/** An accepted socket collecting every message it receives. */
export async function open(path: string, headers: Record<string, string> = {}): Promise<OpenSocket> {
  const res = await upgrade(path, headers);
  expect(res.status, res.status === 101 ? "" : await res.text()).toBe(101);
  const socket = res.webSocket as WebSocket;
  const opened: OpenSocket = { socket, messages: [], closed: null };
  socket.addEventListener("message", (event) => {
    opened.messages.push(JSON.parse(event.data as string) as LiveMessage);
  });
  socket.addEventListener("close", (event) => {
    opened.closed = { code: event.code, reason: event.reason };
  });
  socket.accept();
  return opened;
}

export async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
