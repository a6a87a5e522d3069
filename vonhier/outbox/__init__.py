"""The mail outbox: mails written in the transaction that causes them, sent after commit by a worker."""
