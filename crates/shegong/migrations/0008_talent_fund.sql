-- The social-work talent development fund (社会工作人才发展专项基金): an append-only ledger of
-- contributions and grants in integer fen. The balance is derived, never stored.

CREATE TABLE fund_entries (
    id {id},
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    kind TEXT NOT NULL,
    entry_on DATE NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    counterparty TEXT NOT NULL,
    purpose TEXT NOT NULL DEFAULT '',
    approval_ref TEXT NOT NULL DEFAULT '',
    created_by BIGINT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX fund_entries_on ON fund_entries(entry_on);
