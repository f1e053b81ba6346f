"""Quality: return rates by channel, product and customer, and which of them are abnormally high."""
