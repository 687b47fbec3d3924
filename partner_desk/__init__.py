"""Partner Desk: the partnership department's desk for agency commissions, balances and payouts."""

__version__ = "0.1.0"
APP_NAME = "partner-desk"  # the folders of its data and logs
