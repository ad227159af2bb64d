// The header that says a post is drafted through the MCP server (docs/approvals.md): its
// drafter then counts as an agent, whatever its credential, and the tenant's approval
// rules make the post wait (src/core/auth/approvals.ts). The MCP server's tool calls go
// through the API's own routes (src/router/mcp/dispatch.ts) and send it with draft_post.
// A client sending it itself only makes its own post wait: it grants nothing.
export const DRAFTED_VIA_HEADER = "X-Dify-Drafted-Via";
