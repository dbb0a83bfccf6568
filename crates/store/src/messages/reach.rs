//! Who may open a conversation now, as SQL, for the lists that page in the database (the inbox,
//! unread counts). It states the same rule as `policy::conversation_access` over the facts a
//! use case reads: the conversation's client always; staff while they are staff or admin of the
//! active Healthspace and, in a care conversation, connected to its client. A story test holds
//! the two to each other (an ended connection hides the conversation in both).

/// A condition on `p` (a `conversation_participants` row) joined to `c` (its conversation).
pub const PARTICIPANT_MAY_OPEN: &str = "(
    (c.kind = 'care' AND c.client_account_id = p.account_id)
    OR EXISTS (
        SELECT 1 FROM memberships rm JOIN healthspaces rh ON rh.id = rm.healthspace_id
        WHERE rm.account_id = p.account_id AND rm.healthspace_id = c.healthspace_id
          AND rm.state = 'active' AND rm.role IN ('staff', 'admin') AND rh.state = 'active'
          AND (c.kind = 'staff' OR EXISTS (
              SELECT 1 FROM connections rc
              WHERE rc.healthspace_id = c.healthspace_id AND rc.staff_account_id = p.account_id
                AND rc.client_account_id = c.client_account_id AND rc.ended_at IS NULL))))";
