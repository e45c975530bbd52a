-- An approver can send a draft back to its author with a comment instead of approving it:
-- the draft stays a draft, out of the approver's list until its author edits it.
ALTER TABLE drafts ADD COLUMN review_comment TEXT;
ALTER TABLE drafts ADD COLUMN reviewed_by TEXT;
ALTER TABLE drafts ADD COLUMN reviewed_at TEXT;
