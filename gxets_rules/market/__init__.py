"""Markets: the trading calendar, call-auction sessions and settlement (prices come from market snapshots)."""
