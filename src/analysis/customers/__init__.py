"""Customers, products and prices behind a quarter's change: the customer bridge (new, lost,
retained) and concentration, products inside their lines, and the unit prices customers pay.

Pure functions of sales lines (canonical columns) and a calendar, exact to the cent where they
count money (``analysis.core.cents``); ``analysis.reports.customers`` turns them into a page.
"""
