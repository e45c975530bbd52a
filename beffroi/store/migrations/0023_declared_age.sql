-- An event's age range is enforced: the age the person (or their parent) declared, never
-- guessed, is kept on the invitation; "minor" alone could not tell 18 from 34 for a
-- Snapmeet for 12-18 year olds.
ALTER TABLE invitations ADD COLUMN declared_age INTEGER;
