"""One function per user action; each opens one transaction, checks the role, calls the domain,
writes and audits."""
