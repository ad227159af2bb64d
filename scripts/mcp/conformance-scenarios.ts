// Which server scenarios of @modelcontextprotocol/conformance apply to this MCP server (a
// server with tools, and no prompts, resources, completions or logging: docs/mcp.md,
// Conformance), and why each other one does not. The runner (./conformance.ts) runs the
// first and refuses any scenario the package has that is in neither list, so a new one is
// judged rather than skipped.

/** Scenarios this server must pass. */
export const APPLICABLE: Record<string, string> = {
  "server-initialize": "the two-phase handshake",
  ping: "ping answers {}",
  "tools-list": "every tool has a name, a description and an input schema",
  "server-sse-multiple-streams": "concurrent POSTs are each answered (JSON: SSE streams are optional)",
  "server-sse-polling": "a tool call's answer (JSON: no stream to resume)",
  "dns-rebinding-protection": "a request from a foreign Origin is refused with 403, this server's own accepted",
};

/**
 * Applicable scenarios the pinned package leaves out of its active suite (its pending
 * ones), so the runner runs them on their own.
 */
export const APPLICABLE_PENDING = ["server-sse-polling"];

const FIXTURE =
  "calls a fixture tool of the suite's reference server (%s), which a product server does not have; tool results and tool errors are covered by test/mcp/";

/** Scenarios that do not apply, each with why. */
export const NOT_APPLICABLE: Record<string, string> = {
  "logging-set-level": "the server sends no log messages, so it declares no logging capability",
  "completion-complete": "completions complete prompt and resource-template arguments; the server has neither",
  "tools-call-simple-text": FIXTURE.replace("%s", "test_simple_text"),
  "tools-call-image": FIXTURE.replace("%s", "test_image_content"),
  "tools-call-audio": FIXTURE.replace("%s", "test_audio_content"),
  "tools-call-embedded-resource": FIXTURE.replace("%s", "test_embedded_resource"),
  "tools-call-mixed-content": FIXTURE.replace("%s", "test_multiple_content_types"),
  "tools-call-with-logging": FIXTURE.replace("%s", "test_tool_with_logging"),
  "tools-call-error": FIXTURE.replace("%s", "test_error_handling"),
  "tools-call-with-progress": FIXTURE.replace("%s", "test_tool_with_progress"),
  "tools-call-sampling": FIXTURE.replace("%s", "test_sampling"),
  "tools-call-elicitation": FIXTURE.replace("%s", "test_elicitation"),
  "json-schema-2020-12": FIXTURE.replace("%s", "json_schema_2020_12_tool"),
  "elicitation-sep1034-defaults": "the server never asks the client for input (no elicitation)",
  "elicitation-sep1330-enums": "the server never asks the client for input (no elicitation)",
  "resources-list": "the server has no resources",
  "resources-read-text": "the server has no resources",
  "resources-read-binary": "the server has no resources",
  "resources-templates-read": "the server has no resources",
  "resources-subscribe": "the server has no resources",
  "resources-unsubscribe": "the server has no resources",
  "prompts-list": "the server has no prompts",
  "prompts-get-simple": "the server has no prompts",
  "prompts-get-with-args": "the server has no prompts",
  "prompts-get-embedded-resource": "the server has no prompts",
  "prompts-get-with-image": "the server has no prompts",
};
