-- Migration 0014 (tenant): what the retention job needs.
--
-- publish_requests(content_id): the job deletes content candidates that nothing
-- published or asked to publish. Deleting a generated_content row makes SQLite check
-- every table whose foreign key names it, and publish_requests had no index on
-- content_id: each deleted candidate would scan the whole shard's publish requests.
-- The same index answers the job's "named by no publish request" test. Partial: most
-- requests name no content, and they cost no index entry (D1 bills each index entry
-- written as a row).
CREATE INDEX idx_publish_requests_content ON publish_requests(content_id, tenant_id)
  WHERE content_id IS NOT NULL;
