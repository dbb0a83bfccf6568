-- Who holds a running job since when, and whose expired lease it was taken over from: what
-- `carespace admin jobs` shows, and what the worker logs when it takes a dead worker's job.
ALTER TABLE jobs ADD COLUMN locked_since INTEGER;
ALTER TABLE jobs ADD COLUMN taken_over_from TEXT;
